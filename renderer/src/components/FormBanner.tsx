/** The message at the top of an editor: why a save failed, plus errors no field shows. */
import Alert from '@mui/material/Alert';
import type { ReactNode } from 'react';
import { type FormApi, sentence, unclaimedErrors } from './form';

export interface Banner {
  severity: 'error' | 'warning' | 'info';
  message: string;
  action?: ReactNode;
}

export function FormBanner({ banner, form, testId }: { banner: Banner | null; form: FormApi<unknown>; testId: string }) {
  const extra = unclaimedErrors(form);
  if (!banner && extra.length === 0) return null;
  return (
    <Alert severity={banner?.severity ?? 'error'} action={banner?.action} data-testid={testId} sx={{ mb: 2.5 }}>
      {banner?.message}
      {extra.length > 0 && (
        <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
          {extra.map(([path, msg]) => (
            <li key={path}>
              <strong>{path}</strong>: {sentence(msg)}
            </li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
