import type { FindingDetail, PlacedMessage } from '../api/finding-schemas.js';
import { LocationLinks } from './location-links.js';

const Step = ({ step, fallback }: { readonly step: PlacedMessage; readonly fallback: string }) => (
  <>
    <p>{step.message || fallback}</p>
    <LocationLinks location={step.location} />
  </>
);

/** How the data travels to the finding (a CodeQL path): each flow a numbered list of linked steps. */
export const CodeFlows = ({ flows }: { readonly flows: NonNullable<FindingDetail['codeFlows']> }) => (
  <>
    {flows.map((flow, flowIndex) => (
      <div key={flowIndex} className="code-flow">
        {flows.length > 1 || flow.message ? (
          <h3 className="subheading">
            {flows.length > 1 ? `Path ${flowIndex + 1}` : 'Path'}
            {flow.message ? `: ${flow.message}` : ''}
          </h3>
        ) : null}
        <ol className="steps" aria-label={flows.length > 1 ? `Steps of path ${flowIndex + 1}` : 'Steps'}>
          {flow.steps.map((step, index) => (
            <li key={index} className="step">
              <Step step={step} fallback={`Step ${index + 1}`} />
            </li>
          ))}
        </ol>
      </div>
    ))}
  </>
);

/** Other places the result mentions (where a value comes from, a second definition). */
export const RelatedLocations = ({ items }: { readonly items: readonly PlacedMessage[] }) => (
  <ul className="related" aria-label="Related locations">
    {items.map((item, index) => (
      <li key={index} className="step">
        <Step step={item} fallback={`Location ${index + 1}`} />
      </li>
    ))}
  </ul>
);
