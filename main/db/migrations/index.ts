/** Ordered list of explicit migrations. Additive only once released. Append new ones at the end. */
import { Initial1764000000001 } from './0001-initial';
import { Sync1764000000002 } from './0002-sync';
import { Pricing1764000000003 } from './0003-pricing';

export const MIGRATIONS = [Initial1764000000001, Sync1764000000002, Pricing1764000000003];
