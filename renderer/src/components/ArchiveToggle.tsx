/**
 * The archive / reactivate action of an editor drawer's footer: "Archive" (after a confirmation) while the record is
 * active, "Reactivate" (or "Restore") when it is not. The action runs with the form busy; a failure is a toast.
 */
import ArchiveIcon from '@mui/icons-material/ArchiveOutlined';
import UnarchiveIcon from '@mui/icons-material/UnarchiveOutlined';
import Button from '@mui/material/Button';
import { confirm } from './confirm';
import type { useSave } from './useSave';

export function ArchiveToggle({ active, save, confirmTitle, confirmMessage, archive, reactivate, testId, reactivateLabel = 'Reactivate' }: {
  active: boolean;
  save: ReturnType<typeof useSave>;
  confirmTitle: string;
  /** What archiving means for this kind of record (shown in the confirmation). */
  confirmMessage: string;
  archive: () => Promise<void>;
  reactivate: () => Promise<void>;
  /** Prefix of the buttons' test ids: `${testId}-archive`, `${testId}-${reactivateLabel lower-cased}`. */
  testId: string;
  reactivateLabel?: 'Reactivate' | 'Restore';
}) {
  const onArchive = async () => {
    if (await confirm({ title: confirmTitle, message: confirmMessage, confirmLabel: 'Archive', danger: true })) await save.act(archive);
  };
  return active ? (
    <Button color="error" variant="outlined" startIcon={<ArchiveIcon />} onClick={() => void onArchive()} disabled={save.busy} data-testid={`${testId}-archive`}>
      Archive
    </Button>
  ) : (
    <Button variant="outlined" startIcon={<UnarchiveIcon />} onClick={() => void save.act(reactivate)} disabled={save.busy} data-testid={`${testId}-${reactivateLabel.toLowerCase()}`}>
      {reactivateLabel}
    </Button>
  );
}
