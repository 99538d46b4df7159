/** A subscription's state as a coloured chip; a scheduled cancellation shows beside it. */
import { StatusChip } from '../../components/StatusChip';
import { STATUS_META, type SubscriptionStatus } from './model';

export function SubscriptionStatusChip({ status, testId }: { status: SubscriptionStatus; testId?: string }) {
  const m = STATUS_META[status];
  return <StatusChip label={m.label} tone={m.tone} testId={testId} />;
}
