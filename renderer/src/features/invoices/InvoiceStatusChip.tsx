/** The coloured status of an invoice or credit note ("Overdue" wins over "Open"). */
import { StatusChip, type Tone } from '../../components/StatusChip';
import { type InvoiceStatus, STATUS_LABELS } from './model';

const TONES: Record<InvoiceStatus, Tone> = { draft: 'grey', finalized: 'blue', paid: 'green', partially_paid: 'amber', void: 'grey', uncollectible: 'red' };

export function InvoiceStatusChip({ status, overdue, testId }: { status: InvoiceStatus; overdue?: boolean; testId?: string }) {
  if (overdue && (status === 'finalized' || status === 'partially_paid')) return <StatusChip label="Overdue" tone="red" testId={testId} />;
  return <StatusChip label={STATUS_LABELS[status]} tone={TONES[status]} testId={testId} />;
}

export const invoiceStatusText = (status: InvoiceStatus, overdue?: boolean): string =>
  overdue && (status === 'finalized' || status === 'partially_paid') ? 'Overdue' : STATUS_LABELS[status];
