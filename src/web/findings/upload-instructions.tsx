import { Link } from '../router/router-context.js';

/** How findings get here: a CI job uploads its scanner's SARIF log with the CLI and a scan-upload token. */
export const UploadInstructions = () => (
  <div className="upload-instructions">
    <p>
      Findings appear once a CI job uploads a scanner&apos;s SARIF log. Create a token with the{' '}
      <strong>Scan upload</strong> role in <Link to="/settings/tokens">Settings &gt; API tokens</Link>, then
      run in the job:
    </p>
    <pre className="code-block">
      <code>
        SCM_CONNECT_URL={window.location.origin} SCM_CONNECT_API_TOKEN=… scm-connect scans upload
        results.sarif
      </code>
    </pre>
    <p>It reads the repository, commit and branch from the CI system and prints the scan&apos;s address.</p>
  </div>
);
