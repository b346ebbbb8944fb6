// A whole customer record for renderer tests, with what a test cares about given.
import type { Customer } from '../../../shared/contract';

export function customerFixture(overrides: Partial<Customer> = {}): Customer {
  return {
    id: '0190b6a4-7c2e-7000-8000-000000000001',
    number: 'K-00001',
    kind: 'company',
    status: 'active',
    name: 'Kunde',
    firstName: null,
    lastName: null,
    legalForm: null,
    vatId: null,
    taxNumber: null,
    email: null,
    phone: null,
    mobile: null,
    fax: null,
    website: null,
    billingAddress: null,
    shippingAddress: null,
    bankAccount: null,
    paymentTerms: null,
    creditLimit: null,
    currency: 'EUR',
    language: null,
    tags: [],
    ownerId: null,
    notes: null,
    city: null,
    country: null,
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    erasedAt: null,
    ...overrides,
  };
}
