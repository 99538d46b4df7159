/** An order's status as a coloured chip. */
import { StatusChip } from '../../components/StatusChip';
import { ORDER_STATUS, type OrderStatus } from './model';

export function OrderStatusChip({ status, testId }: { status: OrderStatus | 'projected'; testId?: string }) {
  const m = ORDER_STATUS[status];
  return <StatusChip label={m.label} tone={m.tone} testId={testId} />;
}
