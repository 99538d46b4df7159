/** Every CLI command. Add new areas' commands here. */
import type { CliCommand } from '../index';
import { coreCommands } from './core';
import { billingCommands } from './billing';
import { pricingCommands } from './pricing';
import { syncCommands } from './sync';

export const COMMANDS: CliCommand[] = [...coreCommands, ...billingCommands, ...syncCommands, ...pricingCommands];
