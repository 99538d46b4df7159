/** The areas that exist (areas not built yet are absent, not faked) and how routes map to page titles. */
export interface NavItem {
  id: string;
  label: string;
  route: string[];
  /** Section heading above the item, if it starts a section. */
  section?: string;
}

export const NAV_ITEMS: NavItem[] = [
  { id: 'customers', label: 'Customers', route: ['customers'], section: 'Sales' },
  { id: 'subscriptions', label: 'Subscriptions', route: ['subscriptions'] },
  { id: 'orders', label: 'Orders', route: ['orders'] },
  { id: 'deliveries', label: 'Delivery calendar', route: ['deliveries'] },
  { id: 'invoices', label: 'Invoices', route: ['invoices'], section: 'Billing' },
  { id: 'billing', label: 'Billing runs', route: ['billing'] },
  { id: 'reports', label: 'Reports', route: ['reports'] },
  { id: 'exports', label: 'Exports', route: ['exports'] },
  { id: 'products', label: 'Products', route: ['catalog', 'products'], section: 'Catalog' },
  { id: 'plans', label: 'Plans', route: ['catalog', 'plans'] },
  { id: 'bundles', label: 'Bundles', route: ['catalog', 'bundles'] },
  { id: 'price-calculator', label: 'Price calculator', route: ['catalog', 'price-calculator'] },
  { id: 'sync', label: 'ERP sync', route: ['sync'], section: 'Administration' },
  { id: 'settings', label: 'Settings', route: ['settings'] },
];

/** The nav item a route belongs to (its route is a prefix of the current one). */
export function activeNav(route: string[]): NavItem | undefined {
  return NAV_ITEMS.find((n) => n.route.every((seg, i) => route[i] === seg));
}
