import { timeOrderedId } from '../../core/ids.js';
import type { Db } from '../../db/database.js';
import type { RuleInfo, RunRules } from './run-rules.js';

const batchSize = 400;

/** Upserts the run's rules into `scan_rules` (per account and tool), so findings show the rule's help. */
export async function upsertRules(
  db: Db,
  accountId: string,
  toolName: string,
  rules: RunRules,
  at: string,
): Promise<void> {
  const all: RuleInfo[] = [...rules.byId.values()];
  for (let start = 0; start < all.length; start += batchSize) {
    const chunk = all.slice(start, start + batchSize);
    await db
      .insertInto('scan_rules')
      .values(
        chunk.map((rule) => ({
          id: timeOrderedId(),
          account_id: accountId,
          tool_name: toolName,
          rule_id: rule.id,
          name: rule.name ?? null,
          short_description: rule.shortDescription ?? null,
          full_description: rule.fullDescription ?? null,
          help_text: rule.helpText ?? null,
          help_markdown: rule.helpMarkdown ?? null,
          help_uri: rule.helpUri ?? null,
          default_level: rule.defaultLevel ?? null,
          security_severity: rule.securitySeverityText ?? null,
          tags: JSON.stringify(rule.tags),
          updated_at: at,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['account_id', 'tool_name', 'rule_id']).doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          short_description: eb.ref('excluded.short_description'),
          full_description: eb.ref('excluded.full_description'),
          help_text: eb.ref('excluded.help_text'),
          help_markdown: eb.ref('excluded.help_markdown'),
          help_uri: eb.ref('excluded.help_uri'),
          default_level: eb.ref('excluded.default_level'),
          security_severity: eb.ref('excluded.security_severity'),
          tags: eb.ref('excluded.tags'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}
