import { describe, expect, it } from 'vitest';
import { toTrytonSale, type ErpSalesOrderPayload } from '../../../main/services/orders/erp';

const order: ErpSalesOrderPayload = {
  id: '01a21256-3906-7777-bb80-5cb3d053db2e', number: 'SO-TST-000007', status: 'released', customerId: '01a21256-38f3-7502-a6cd-b6e5074436bf',
  customerNumber: 'CTST-00001', customerName: 'Labor Müller GmbH', currency: 'EUR', orderDate: '2026-03-12', requestedDate: '2026-03-17',
  poNumber: 'PO-4711', invoicingMode: 'billing_cycle',
  shipTo: {
    locationId: '01a21256-38f9-76da-bc81-717f50282ced', name: 'Lab Berlin-Adlershof', line1: 'Rudower Chaussee 17', line2: 'Building C', city: 'Berlin',
    postalCode: '12489', region: '', country: 'DE', contacts: [{ name: 'Dr. Anna Weber', email: 'a.weber@example.com', phone: '+49 30 1234567' }], deliveryNotes: 'Ring at gate 2',
  },
  lines: [
    { lineId: 'l1', kind: 'product', sku: 'GLOVES-M', description: 'Nitrile gloves M', quantity: '20', unit: 'box', unitPrice: '8.5', netMinor: 17000, taxRate: '19', taxCategory: 'standard' },
    { lineId: 'l2', kind: 'product', sku: 'TIPS-200', description: 'Pipette tips', quantity: '7', unit: 'box', unitPrice: '3.4285714286', netMinor: 2400, taxRate: '19', taxCategory: 'standard' },
    { lineId: 'l3', kind: 'discount', sku: null, description: 'Volume discount 5 %', quantity: '1', unit: null, unitPrice: '-9.7', netMinor: -970, taxRate: '19', taxCategory: 'standard' },
    { lineId: 'l4', kind: 'shipping', sku: null, description: 'Shipping', quantity: '1', unit: null, unitPrice: '9.9', netMinor: 990, taxRate: '19', taxCategory: 'standard' },
  ],
  netMinor: 19420, taxMinor: 3690, grossMinor: 23110,
};

describe('Tryton sale.sale mapping', () => {
  it('maps the order, its ship-to address, requested date and lines', () => {
    expect(toTrytonSale(order)).toEqual({
      model: 'sale.sale',
      reference: 'SO-TST-000007',
      partyCode: 'CTST-00001',
      currencyCode: 'EUR',
      saleDate: '2026-03-12',
      shippingDate: '2026-03-17',
      description: 'Recurring delivery SO-TST-000007 for 2026-03-17',
      comment: 'PO PO-4711\nDelivery notes: Ring at gate 2\nContacts: Dr. Anna Weber, +49 30 1234567, a.weber@example.com',
      invoiceMethod: 'manual',
      shipmentMethod: 'order',
      shipmentAddress: { name: 'Lab Berlin-Adlershof', street: 'Rudower Chaussee 17\nBuilding C', postalCode: '12489', city: 'Berlin', countryCode: 'DE' },
      lines: [
        { sequence: 1, productCode: 'GLOVES-M', description: 'Nitrile gloves M', quantity: 20, unit: 'box', unitPrice: '8.5', taxRate: '19', netMinor: 17000 },
        { sequence: 2, productCode: 'TIPS-200', description: 'Pipette tips', quantity: 7, unit: 'box', unitPrice: '3.4286', taxRate: '19', netMinor: 2400 },
        { sequence: 3, productCode: null, description: 'Volume discount 5 %', quantity: 1, unit: null, unitPrice: '-9.7', taxRate: '19', netMinor: -970 },
        { sequence: 4, productCode: null, description: 'Shipping', quantity: 1, unit: null, unitPrice: '9.9', taxRate: '19', netMinor: 990 },
      ],
      workflow: ['quote', 'confirm'],
      untaxedAmount: '194.20',
    });
  });
});
