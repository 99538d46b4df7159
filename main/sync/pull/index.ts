/** Master-data pull from the ERP: change detection, field ownership, three-way merge, conflicts (issue #5). */
export { runPull, resolveConflict, cadenceValues, PULLED_TAG } from './engine';
export type { PullEnv, PullOptions } from './engine';
export { mergeField, mergeRecord, canonical, sameValue } from './merge';
export type { FieldOwner, FieldDecision, FieldMergeInput, RecordMergeInput, RecordMergeResult } from './merge';
export { DEFAULT_OWNERSHIP, OWNERSHIP_SETTING, readOwnership, writeOwnership, normalizeErp, PullDataError } from './fields';
export { listConflicts, listProductErp, getPullState } from './store';
