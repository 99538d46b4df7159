/** Ordered list of explicit migrations. Additive only once released. Append new ones at the end. */
import { Initial1764000000001 } from './0001-initial';
import { Sync1764000000002 } from './0002-sync';
import { Pricing1764000000003 } from './0003-pricing';
import { Billing1764000000004 } from './0004-billing';
import { Exports1764000000005 } from './0005-exports';
import { Orders1764000000006 } from './0006-orders';
import { Pull1764000000007 } from './0007-pull';
import { BundleItems1764000000008 } from './0008-bundle-items';
import { ListIndexes1764000000009 } from './0009-list-indexes';
import { DunningReminders1764000000010 } from './0010-dunning-reminders';
import { IntervalChanges1764000000011 } from './0011-interval-changes';
import { ItemDiscounts1764000000012 } from './0012-item-discounts';
import { DiscountAmounts1764000000013 } from './0013-discount-amounts';

export const MIGRATIONS = [Initial1764000000001, Sync1764000000002, Pricing1764000000003, Billing1764000000004, Exports1764000000005, Orders1764000000006, Pull1764000000007, BundleItems1764000000008, ListIndexes1764000000009, DunningReminders1764000000010, IntervalChanges1764000000011, ItemDiscounts1764000000012, DiscountAmounts1764000000013];
