/** Every CLI command. Add new areas' commands here. */
import type { CliCommand } from '../index';
import { coreCommands } from './core';

export const COMMANDS: CliCommand[] = [...coreCommands];
