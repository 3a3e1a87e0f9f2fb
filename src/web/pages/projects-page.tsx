import { EmptyState } from '../components/empty-state.js';
import { Link } from '../router/router-context.js';

/** Placeholder until repositories are synced from the connected source code managers. */
export const ProjectsPage = () => (
  <>
    <header className="page-header">
      <h1>Projects</h1>
    </header>
    <section className="card">
      <EmptyState title="No repositories yet">
        <p>
          Repositories appear here once a source code manager is connected.{' '}
          <Link to="/settings">Connect one in Settings</Link>.
        </p>
      </EmptyState>
    </section>
  </>
);
