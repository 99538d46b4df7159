import { v7 as uuidv7 } from 'uuid';

/** Globally unique, time-ordered ids (UUIDv7) for every entity: many laptops create records offline. */
export const newId = (): string => uuidv7();
