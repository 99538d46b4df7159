/** Every CLI command. Add new areas' commands here. */
import type { CliCommand } from '../index';
import { coreCommands } from './core';
import { syncCommands } from './sync';

export const COMMANDS: CliCommand[] = [...coreCommands, ...syncCommands];
