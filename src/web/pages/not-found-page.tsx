import { Link } from '../router/router-context.js';

export const NotFoundPage = () => (
  <>
    <header className="page-header">
      <h1>Page not found</h1>
    </header>
    <p>
      There is nothing at this address. <Link to="/projects">Go to Projects</Link>.
    </p>
  </>
);
