/** The application shell: navigation drawer, top bar with title and quick search, and the routed page. */
import CategoryIcon from '@mui/icons-material/Inventory2Outlined';
import BundleIcon from '@mui/icons-material/WorkspacesOutlined';
import CalculateIcon from '@mui/icons-material/CalculateOutlined';
import PeopleIcon from '@mui/icons-material/PeopleAltOutlined';
import PlansIcon from '@mui/icons-material/EventRepeatOutlined';
import SettingsIcon from '@mui/icons-material/SettingsOutlined';
import SyncIcon from '@mui/icons-material/CloudSyncOutlined';
import SubscriptionsIcon from '@mui/icons-material/AutorenewOutlined';
import InvoicesIcon from '@mui/icons-material/ReceiptLongOutlined';
import BillingRunIcon from '@mui/icons-material/PlayCircleOutlined';
import ReportsIcon from '@mui/icons-material/AssessmentOutlined';
import OrdersIcon from '@mui/icons-material/LocalShippingOutlined';
import DeliveriesIcon from '@mui/icons-material/CalendarMonthOutlined';
import ExportsIcon from '@mui/icons-material/FileDownloadOutlined';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CssBaseline from '@mui/material/CssBaseline';
import LinearProgress from '@mui/material/LinearProgress';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import { ThemeProvider } from '@mui/material/styles';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { Fragment, useEffect } from 'react';
import { ConfirmHost } from '../components/confirm';
import { Toaster } from '../components/toasts';
import { CustomersPage } from '../features/customers/CustomersPage';
import { PlansPage } from '../features/catalog/PlansPage';
import { ProductsPage } from '../features/catalog/ProductsPage';
import { BundlesPage, PriceCalculatorPage } from '../features/pricing';
import { BillingPage } from '../features/billing/BillingPage';
import { ExportsPage } from '../features/exports/ExportsPage';
import { InvoicePage } from '../features/invoices/InvoicePage';
import { InvoicesPage } from '../features/invoices/InvoicesPage';
import { DeliveriesPage } from '../features/orders/DeliveriesPage';
import { OrdersPage } from '../features/orders/OrdersPage';
import { ReportsPage } from '../features/reports/ReportsPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { SubscriptionPage } from '../features/subscriptions/SubscriptionPage';
import { SubscriptionsPage } from '../features/subscriptions/SubscriptionsPage';
import { SyncIndicator } from '../features/sync/SyncIndicator';
import { SyncPage } from '../features/sync/SyncPage';
import { Brand } from './Brand';
import { GlobalSearch } from './GlobalSearch';
import { activeNav, NAV_ITEMS } from './nav';
import { hrefOf, navigate, useRoute } from './router';
import { useAppStore } from './store';
import { colors, theme } from './theme';

const DRAWER_WIDTH = 220;

const ICONS: Record<string, ReactNode> = {
  customers: <PeopleIcon fontSize="small" />,
  subscriptions: <SubscriptionsIcon fontSize="small" />,
  orders: <OrdersIcon fontSize="small" />,
  deliveries: <DeliveriesIcon fontSize="small" />,
  invoices: <InvoicesIcon fontSize="small" />,
  billing: <BillingRunIcon fontSize="small" />,
  reports: <ReportsIcon fontSize="small" />,
  exports: <ExportsIcon fontSize="small" />,
  products: <CategoryIcon fontSize="small" />,
  plans: <PlansIcon fontSize="small" />,
  bundles: <BundleIcon fontSize="small" />,
  'price-calculator': <CalculateIcon fontSize="small" />,
  sync: <SyncIcon fontSize="small" />,
  settings: <SettingsIcon fontSize="small" />,
};

interface Page {
  title: string;
  crumb?: string;
  body: ReactNode;
}

function routePage(route: string[]): Page | null {
  const [area, a, b] = route;
  if (area === 'customers') return { title: 'Customers', crumb: 'Sales', body: <CustomersPage selected={a} /> };
  if (area === 'subscriptions') {
    if (a && a !== 'new') return { title: 'Subscription', crumb: 'Sales · Subscriptions', body: <SubscriptionPage key={a} id={a} /> };
    return { title: 'Subscriptions', crumb: 'Sales', body: <SubscriptionsPage selected={a} newFor={b} /> };
  }
  if (area === 'orders') return { title: 'Orders', crumb: 'Sales', body: <OrdersPage selected={a} /> };
  if (area === 'deliveries') return { title: 'Delivery calendar', crumb: 'Sales', body: <DeliveriesPage customerId={a} orderId={b} /> };
  if (area === 'invoices') {
    if (a) return { title: 'Invoice', crumb: 'Billing · Invoices', body: <InvoicePage key={a} id={a} /> };
    return { title: 'Invoices', crumb: 'Billing', body: <InvoicesPage /> };
  }
  if (area === 'billing') return { title: 'Billing runs', crumb: 'Billing', body: <BillingPage runId={a} /> };
  if (area === 'reports') return { title: a === 'deferred' ? 'Deferred revenue' : a === 'mrr' ? 'MRR and churn' : 'AR aging', crumb: 'Billing · Reports', body: <ReportsPage tab={a} /> };
  if (area === 'exports') return { title: 'Exports', crumb: 'Billing', body: <ExportsPage /> };
  if (area === 'catalog' && a === 'products') return { title: 'Products', crumb: 'Catalog', body: <ProductsPage selected={b} /> };
  if (area === 'catalog' && a === 'plans') return { title: 'Plans', crumb: 'Catalog', body: <PlansPage selected={b} /> };
  if (area === 'catalog' && a === 'bundles') return { title: 'Bundles', crumb: 'Catalog', body: <BundlesPage selected={b} /> };
  if (area === 'catalog' && a === 'price-calculator') return { title: 'Price calculator', crumb: 'Catalog', body: <PriceCalculatorPage /> };
  if (area === 'sync') return { title: 'ERP sync', crumb: 'Administration', body: <SyncPage tab={a} /> };
  if (area === 'settings') return { title: 'Settings', crumb: 'Administration', body: <SettingsPage /> };
  return null;
}

function Sidebar({ route }: { route: string[] }) {
  const active = activeNav(route);
  const info = useAppStore((s) => s.info);
  const settings = useAppStore((s) => s.settings);
  return (
    <Box
      component="nav"
      aria-label="Main"
      sx={{ width: DRAWER_WIDTH, flex: 'none', bgcolor: colors.sidebar, color: colors.sidebarText, display: 'flex', flexDirection: 'column', height: '100%' }}
    >
      <Box sx={{ px: 2.5, height: 64, display: 'flex', alignItems: 'center', borderBottom: '1px solid rgba(255,255,255,0.06)' }}>
        <Brand />
      </Box>
      <List dense sx={{ px: 1.25, py: 1.5, flex: 1, overflowY: 'auto' }}>
        {NAV_ITEMS.map((item) => {
          const selected = active?.id === item.id;
          return (
            <Fragment key={item.id}>
              {item.section && (
                <Typography component="div" sx={{ px: 1.5, pt: 2, pb: 0.75, fontSize: '0.68rem', fontWeight: 600, letterSpacing: '0.08em', textTransform: 'uppercase', color: colors.sidebarMuted, '&:first-of-type': { pt: 0.5 } }}>
                  {item.section}
                </Typography>
              )}
              <ListItemButton
                component="a"
                href={hrefOf(...item.route)}
                selected={selected}
                data-testid={`nav-${item.id}`}
                aria-current={selected ? 'page' : undefined}
                sx={{
                  borderRadius: 1.5,
                  mb: 0.25,
                  py: 0.75,
                  color: colors.sidebarText,
                  '& .MuiListItemIcon-root': { color: '#94a3b8', minWidth: 34 },
                  '&:hover': { bgcolor: 'rgba(255,255,255,0.06)' },
                  '&.Mui-selected, &.Mui-selected:hover': { bgcolor: 'rgba(79,125,243,0.22)', color: '#fff', '& .MuiListItemIcon-root': { color: '#fff' } },
                  '&.Mui-focusVisible': { outline: '2px solid #7aa2ff', outlineOffset: -2, bgcolor: 'rgba(255,255,255,0.08)' },
                }}
              >
                <ListItemIcon>{ICONS[item.id]}</ListItemIcon>
                <ListItemText primary={item.label} slotProps={{ primary: { sx: { fontSize: '0.875rem', fontWeight: selected ? 600 : 500 } } }} />
              </ListItemButton>
            </Fragment>
          );
        })}
      </List>
      <Box sx={{ px: 2.5, py: 1.75, borderTop: '1px solid rgba(255,255,255,0.06)', fontSize: '0.72rem', color: colors.sidebarMuted }} data-testid="status-area">
        <Typography noWrap sx={{ fontSize: '0.78rem', color: colors.sidebarText, fontWeight: 500 }} title={settings?.companyName}>
          {settings?.companyName ?? '…'}
        </Typography>
        <Stack direction="row" spacing={0.75} sx={{ alignItems: 'center', mt: 0.5 }}>
          <Box sx={{ width: 7, height: 7, borderRadius: '50%', bgcolor: info ? '#22c55e' : '#f59e0b' }} />
          <Tooltip title={info ? `Data folder: ${info.dataDir}` : 'Connecting…'} placement="top">
            <span data-testid="status-mode">{info ? `${info.mode === 'electron' ? 'Desktop' : info.mode === 'web' ? 'Web mode' : info.mode} · v${info.version}` : 'Connecting…'}</span>
          </Tooltip>
        </Stack>
      </Box>
    </Box>
  );
}

function TopBar({ page }: { page: Page | null }) {
  return (
    <Box component="header" sx={{ height: 64, flex: 'none', display: 'flex', alignItems: 'center', gap: 2, px: 2.5, bgcolor: 'background.paper', borderBottom: `1px solid ${colors.border}` }}>
      <Box sx={{ flex: 1, minWidth: 0 }}>
        {page?.crumb && (
          <Typography variant="caption" color="text.secondary" sx={{ display: 'block', lineHeight: 1.2 }}>
            {page.crumb}
          </Typography>
        )}
        <Typography variant="h5" component="h1" noWrap data-testid="page-title">
          {page?.title ?? 'Cadence'}
        </Typography>
      </Box>
      <GlobalSearch />
      <SyncIndicator />
    </Box>
  );
}

export function App() {
  const route = useRoute();
  const load = useAppStore((s) => s.load);
  const loadError = useAppStore((s) => s.loadError);
  // Pages wait for system info: dates default to the server's today (its clock may be shifted, e.g. --now).
  const ready = useAppStore((s) => s.info !== null);
  const page = routePage(route);

  useEffect(() => {
    void load();
  }, [load]);
  const title = page?.title;
  useEffect(() => {
    if (!title) navigate(['customers'], true);
    document.title = title ? `${title} · Cadence` : 'Cadence';
  }, [title]);

  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <Box sx={{ display: 'flex', height: '100vh', overflow: 'hidden' }}>
        <Sidebar route={route} />
        <Box sx={{ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column' }}>
          <TopBar page={page} />
          <Box component="main" sx={{ flex: 1, minHeight: 0, overflow: 'auto', display: 'flex', flexDirection: 'column', p: 2.5 }}>
            {loadError && (
              <Alert severity="error" sx={{ mb: 2 }} action={<Button color="inherit" size="small" onClick={() => void load()}>Retry</Button>}>
                {loadError}
              </Alert>
            )}
            {ready || loadError ? page?.body : <LinearProgress sx={{ mt: -2.5, mx: -2.5, height: 2 }} aria-label="Loading" />}
          </Box>
        </Box>
      </Box>
      <ConfirmHost />
      <Toaster />
    </ThemeProvider>
  );
}
