import { CopyField } from './copy-field.js';

export interface SecretOnceProps {
  readonly label: string;
  readonly value: string;
}

/**
 * A value the server gives once (an API token, an invitation link): read-only, selectable, with a copy
 * button. It lives only in this component's props, never in storage.
 */
export const SecretOnce = ({ label, value }: SecretOnceProps) => <CopyField label={label} value={value} />;
