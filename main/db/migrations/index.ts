/** Ordered list of explicit migrations. Additive only once released. Append new ones at the end. */
import { Initial1764000000001 } from './0001-initial';

export const MIGRATIONS = [Initial1764000000001];
