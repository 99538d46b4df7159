/**
 * Volume pricing across an account: the tier is selected by the total quantity of every subscription in scope
 * (the subscription alone, the account, or the account with its parent/child hierarchy), and the account-level amount
 * is allocated back to each subscription in proportion to its quantity, to the minor unit, so the parts always sum
 * to the account amount.
 */
import { AppError } from '../../api/errors';
import { Decimal, allocateMinor, decStr, formatMinor, ZERO, type RoundingMode } from '../money';
import { quantityOf } from './evaluate';
import { priceCharge } from './index';
import type { ChargeModel, PriceResult } from './types';

export type VolumeScope = 'subscription' | 'account' | 'account_hierarchy';
export const VOLUME_SCOPES: readonly VolumeScope[] = ['subscription', 'account', 'account_hierarchy'];

export interface VolumePart {
  /** The subscription (or subscription item) id. */
  id: string;
  /** Its quantity, a non-negative decimal. */
  quantity: string;
}

export interface VolumeAllocation {
  id: string;
  quantity: string;
  /** This part's share of the account amount, in minor units (the shares sum to the account's amountMinor). */
  amountMinor: number;
  amount: string;
  /** Unrounded share: account preciseAmount × quantity / total quantity. */
  preciseAmount: string;
  /** The account's effective unit price (same for every part); absent when the total quantity is 0. */
  effectiveUnitPrice?: string;
}

export interface AccountVolumeResult {
  totalQuantity: string;
  /** The account-level price of the total quantity (tier chosen by the total). */
  account: PriceResult;
  allocations: VolumeAllocation[];
}

/**
 * Prices the total quantity of `parts` under `model` and allocates the amount back by quantity (largest remainder,
 * so Σ allocations.amountMinor === account.amountMinor exactly). With a total of 0 (e.g. a flat fee or a minimum
 * and no usage) the amount is split evenly between the parts.
 */
export function allocateAccountVolume(model: ChargeModel, parts: readonly VolumePart[], currency: string, rounding?: RoundingMode): AccountVolumeResult {
  if (parts.length === 0) throw AppError.validation('parts', 'at least one subscription is required');
  const seen = new Set<string>();
  const qs = parts.map((p, i) => {
    if (seen.has(p.id)) throw AppError.validation(`parts.${i}.id`, `appears twice (${p.id})`);
    seen.add(p.id);
    return quantityOf(p.quantity, `parts.${i}.quantity`);
  });
  const total = qs.reduce((a, b) => a.plus(b), ZERO);
  const account = priceCharge(model, { quantity: total, currency, rounding });
  const weights = total.isZero() ? qs.map(() => new Decimal(1)) : qs;
  const shares = allocateMinor(account.amountMinor, weights);
  const precise = new Decimal(account.preciseAmount);
  const weightSum = total.isZero() ? new Decimal(parts.length) : total;
  return {
    totalQuantity: decStr(total),
    account,
    allocations: parts.map((p, i) => ({
      id: p.id,
      quantity: decStr(qs[i]!),
      amountMinor: shares[i]!,
      amount: formatMinor(shares[i]!, currency),
      preciseAmount: decStr(precise.times(weights[i]!).div(weightSum)),
      ...(account.effectiveUnitPrice !== undefined ? { effectiveUnitPrice: account.effectiveUnitPrice } : {}),
    })),
  };
}
