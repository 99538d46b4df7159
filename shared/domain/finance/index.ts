/** Finance views of billed documents (pure): GL journal, deferred revenue, AR aging, statements, export columns. */
export * from './ledger';
export * from './journal';
export * from './deferred';
export * from './aging';
export * from './statement';
export * from './columns';
export * from './tables';
