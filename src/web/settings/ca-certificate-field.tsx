import { TextAreaField } from '../components/fields.js';

export interface CaCertificateFieldProps {
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly help?: string;
  readonly error?: string | undefined;
  readonly disabled?: boolean;
}

const defaultHelp =
  'Only when the instance uses a certificate signed by a private CA: paste that CA certificate, ' +
  'from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE----- (up to 64 KiB).';

/** The optional PEM of a private CA that signs a self-managed instance's certificate. */
export const CaCertificateField = ({ value, onChange, help, error, disabled }: CaCertificateFieldProps) => (
  <TextAreaField
    label="CA certificate (PEM)"
    name="caPem"
    className="pem-input"
    rows={5}
    spellCheck={false}
    autoComplete="off"
    help={help ?? defaultHelp}
    error={error}
    disabled={disabled}
    value={value}
    onChange={(event) => onChange(event.target.value)}
  />
);
