/** Every CLI command. Add new areas' commands here. */
import type { CliCommand } from '../index';
import { coreCommands } from './core';
import { billingCommands } from './billing';
import { pricingCommands } from './pricing';
import { syncCommands } from './sync';
import { exportCommands } from './exports';
import { orderCommands } from './orders';

export const COMMANDS: CliCommand[] = [...coreCommands, ...billingCommands, ...syncCommands, ...pricingCommands, ...exportCommands, ...orderCommands];
