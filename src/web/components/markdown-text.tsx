import { parseMarkdown, type Inline } from '../lib/markdown-subset.js';
import { safeHttpUrl } from '../lib/safe-url.js';
import { ExternalLink } from './external-link.js';

const InlineText = ({ pieces }: { readonly pieces: readonly Inline[] }) => (
  <>
    {pieces.map((piece, index) => {
      switch (piece.kind) {
        case 'code':
          return <code key={index}>{piece.text}</code>;
        case 'strong':
          return <strong key={index}>{piece.text}</strong>;
        case 'link':
          // Only an http(s) address becomes a link; anything else shows its text alone.
          return safeHttpUrl(piece.href) ? (
            <ExternalLink key={index} href={piece.href}>
              {piece.text}
            </ExternalLink>
          ) : (
            <span key={index}>{piece.text}</span>
          );
        default:
          return <span key={index}>{piece.text}</span>;
      }
    })}
  </>
);

/**
 * Markdown from a scanner (a rule's help) in a small safe subset: every piece is React text, never HTML, and a
 * link is one only when its address is http(s).
 */
export const MarkdownText = ({ source }: { readonly source: string }) => (
  <div className="markdown">
    {parseMarkdown(source).map((block, index) => {
      switch (block.kind) {
        case 'heading':
          return (
            <p key={index} className="markdown-heading">
              <InlineText pieces={block.content} />
            </p>
          );
        case 'code':
          return (
            <pre key={index} className="code-block">
              <code>{block.text}</code>
            </pre>
          );
        case 'list': {
          const items = block.items.map((item, itemIndex) => (
            <li key={itemIndex}>
              <InlineText pieces={item} />
            </li>
          ));
          return block.ordered ? <ol key={index}>{items}</ol> : <ul key={index}>{items}</ul>;
        }
        default:
          return (
            <p key={index}>
              <InlineText pieces={block.content} />
            </p>
          );
      }
    })}
  </div>
);
