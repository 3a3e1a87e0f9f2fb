import type { FindingDetail } from '../api/finding-schemas.js';
import { ExternalLink } from '../components/external-link.js';
import { MarkdownText } from '../components/markdown-text.js';
import { safeHttpUrl } from '../lib/safe-url.js';

/** What the scanner says about the rule: its descriptions, its help (Markdown in a safe subset) and tags. */
export const RuleHelp = ({ finding }: { readonly finding: FindingDetail }) => {
  const rule = finding.rule;
  if (!rule) {
    return (
      <p className="muted">
        The scanner described no rule <code>{finding.ruleId}</code>. Its own documentation explains it.
      </p>
    );
  }
  const description = rule.fullDescription || rule.shortDescription;
  return (
    <div className="rule-help">
      <p>
        <strong>{rule.name ?? finding.ruleId}</strong> <code>{finding.ruleId}</code>
      </p>
      {description ? <p className="pre-line">{description}</p> : null}
      {rule.helpMarkdown ? (
        <MarkdownText source={rule.helpMarkdown} />
      ) : rule.helpText ? (
        <p className="pre-line">{rule.helpText}</p>
      ) : null}
      {safeHttpUrl(rule.helpUri) ? (
        <p>
          <ExternalLink href={rule.helpUri}>The rule&apos;s documentation</ExternalLink>
        </p>
      ) : null}
      {(rule.tags ?? []).length > 0 ? (
        <ul className="chips" aria-label="Rule tags">
          {(rule.tags ?? []).map((tag) => (
            <li key={tag} className="chip">
              {tag}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
};
