import { Link } from '../router/router-context.js';
import { projectsWithTag } from './repository-filters.js';

/** A repository's tags as chips, each showing the repositories with that tag. */
export const TagChips = ({ tags, owner }: { readonly tags: readonly string[]; readonly owner: string }) =>
  tags.length === 0 ? null : (
    <ul className="chips" aria-label={`Tags of ${owner}`}>
      {tags.map((tag) => (
        <li key={tag}>
          <Link to={projectsWithTag(tag)} className="chip" aria-label={`Show repositories tagged ${tag}`}>
            {tag}
          </Link>
        </li>
      ))}
    </ul>
  );
