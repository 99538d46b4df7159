/** Contact persons of a customer: one row each (name, email, phone, role), added and removed freely. */
import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { TextInput } from '../../components/fields';
import { useField } from '../../components/form';
import { FormSection } from '../../components/FormDrawer';
import { type ContactValues, emptyContact } from './model';

export function ContactsEditor() {
  const { value, set } = useField<ContactValues[]>('contacts');
  const contacts = value ?? [];
  return (
    <FormSection
      title="Contacts"
      action={
        <Button size="small" startIcon={<AddIcon />} onClick={() => set([...contacts, emptyContact()])} data-testid="contact-add">
          Add contact
        </Button>
      }
    >
      {contacts.length === 0 ? (
        <Typography variant="body2" color="text.secondary" sx={{ py: 1.25, px: 1.5, border: '1px dashed', borderColor: 'divider', borderRadius: 1 }}>
          No contact persons. Invoices go to the customer's email address.
        </Typography>
      ) : (
        <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
          {contacts.map((_c, i) => (
            <Box key={i} data-testid={`contact-row-${i}`} sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1.1fr) minmax(0, 1.7fr) minmax(0, 0.9fr) minmax(0, 0.9fr) 36px', gap: 1.25, alignItems: 'start' }}>
              <TextInput path={`contacts.${i}.name`} label="Name" required />
              <TextInput path={`contacts.${i}.email`} label="Email" required inputMode="email" />
              <TextInput path={`contacts.${i}.phone`} label="Phone" />
              <TextInput path={`contacts.${i}.role`} label="Role" />
              <Tooltip title="Remove contact">
                <IconButton aria-label={`Remove contact ${i + 1}`} onClick={() => set(contacts.filter((_x, j) => j !== i))} sx={{ mt: 0.25 }} data-testid={`contact-remove-${i}`}>
                  <DeleteIcon fontSize="small" />
                </IconButton>
              </Tooltip>
            </Box>
          ))}
        </Box>
      )}
    </FormSection>
  );
}
