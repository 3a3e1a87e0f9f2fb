/** A tiny cookie-keeping HTTP client that follows a twin's plain HTML forms the way a person would. */

export interface WebPage {
  readonly status: number;
  readonly url: string;
  readonly html: string;
}

interface Field {
  readonly type: string;
  readonly name: string;
  readonly value: string;
  checked: boolean;
  readonly label: string;
}

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}(?:="([^"]*)")?`, 'i').exec(tag);
  return m ? decode(m[1] ?? '') : undefined;
};
const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const text = (s: string) =>
  decode(s.replace(/<[^>]*>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();

export class FormClient {
  private readonly cookies = new Map<string, string>();
  /** The last redirect that left the twin (the app's setup / callback URL). */
  leftTo: URL | undefined;

  constructor(readonly origin: string) {}

  /** GET or POST, following redirects inside the twin; stops at a redirect to another origin. */
  async open(url: string, init: { method?: string; form?: URLSearchParams } = {}): Promise<WebPage> {
    let current = new URL(url, this.origin);
    let method = init.method ?? 'GET';
    let body: string | undefined = init.form?.toString();
    this.leftTo = undefined;
    for (let hops = 0; hops < 10; hops++) {
      const response = await fetch(current, {
        method,
        redirect: 'manual',
        headers: {
          cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        body,
      });
      for (const cookie of response.headers.getSetCookie()) {
        const [pair = ''] = cookie.split(';');
        const [name = '', ...value] = pair.split('=');
        if (/max-age=0/i.test(cookie)) this.cookies.delete(name);
        else this.cookies.set(name, value.join('='));
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.arrayBuffer();
        const next = new URL(location, current);
        if (next.origin !== this.origin) {
          this.leftTo = next;
          return { status: response.status, url: next.toString(), html: '' };
        }
        current = next;
        method = 'GET';
        body = undefined;
        continue;
      }
      return { status: response.status, url: current.toString(), html: await response.text() };
    }
    throw new Error('too many redirects');
  }

  /**
   * Submit the form of `page` whose button reads `button`, after filling text fields by label (`fill`),
   * choosing radios and ticking checkboxes by their label text (`choose`, `check`).
   */
  async submit(
    page: WebPage,
    button: string,
    actions: { fill?: Record<string, string>; choose?: readonly string[]; check?: readonly string[] } = {},
  ): Promise<WebPage> {
    const forms = [...page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)];
    const form = forms.find((f) =>
      [...f[2]!.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)].some((b) => text(b[2]!) === button),
    );
    if (!form) throw new Error(`no form with a "${button}" button on ${page.url}:\n${page.html}`);
    const labelsFor = new Map<string, string>();
    for (const m of form[2]!.matchAll(/<label\b[^>]*\bfor="([^"]+)"[^>]*>([\s\S]*?)<\/label>/gi))
      labelsFor.set(m[1]!, text(m[2]!));
    const fields: Field[] = [];
    for (const m of form[2]!.matchAll(/(<label\b[^>]*>)?\s*(<input\b[^>]*>)([^<]*)/gi)) {
      const tag = m[2]!;
      const name = attr(tag, 'name');
      if (!name) continue;
      const id = attr(tag, 'id');
      fields.push({
        type: (attr(tag, 'type') ?? 'text').toLowerCase(),
        name,
        value: attr(tag, 'value') ?? '',
        checked: attr(tag, 'checked') !== undefined,
        label: m[1] ? text(m[3]!) : (id && labelsFor.get(id)) || '',
      });
    }
    const byLabel = (label: string) => {
      const found = fields.find((f) => f.label === label);
      if (!found)
        throw new Error(
          `no field labelled "${label}" on ${page.url}; labels: ${fields.map((f) => f.label).join(' | ')}`,
        );
      return found;
    };
    const values = new Map<Field, string>();
    for (const [label, value] of Object.entries(actions.fill ?? {})) values.set(byLabel(label), value);
    for (const label of actions.choose ?? []) {
      const radio = byLabel(label);
      for (const f of fields) if (f.type === 'radio' && f.name === radio.name) f.checked = f === radio;
    }
    for (const label of actions.check ?? []) byLabel(label).checked = true;
    const data = new URLSearchParams();
    for (const f of fields) {
      if ((f.type === 'radio' || f.type === 'checkbox') && !f.checked) continue;
      data.append(f.name, values.get(f) ?? f.value);
    }
    const buttonTag = [...form[2]!.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)].find(
      (b) => text(b[2]!) === button,
    )!;
    const buttonName = attr(buttonTag[1]!, 'name');
    if (buttonName) data.append(buttonName, attr(buttonTag[1]!, 'value') ?? '');
    const method = (attr(form[1]!, 'method') ?? 'get').toUpperCase();
    const action = new URL(attr(form[1]!, 'action') ?? page.url, page.url);
    if (method === 'GET') {
      action.search = data.toString();
      return this.open(action.toString());
    }
    return this.open(action.toString(), { method, form: data });
  }
}
