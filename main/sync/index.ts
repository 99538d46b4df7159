/** ERP sync engine: transactional outbox, one sender per connector, connectors (Tryton, generic REST), credentials. */
export { enqueueOutbox, retryParked, skipParked, listParked, listOutboxActions, getExternalRef, setExternalRef, outboxCounts, getOutboxRow } from './outbox';
export type { EnqueueInput, OutboxRecord, OutboxAction, ExternalRef, RetryParkedOptions } from './outbox';
export { OutboxSender, backoffDelayMs, DEFAULT_BACKOFF } from './sender';
export type { SenderOptions, PushSummary, SenderStatus, SyncEvent, AckContext, BackoffPolicy, ParkedInfo } from './sender';
export { ack, reject, retry, parseRetryAfter } from './connector';
export type { Connector, PushResult, PushAck, PushRetry, PushReject } from './connector';
export { RestConnector } from './connectors/rest';
export type { RestConnectorOptions, RestAuth, RestEntityMapping } from './connectors/rest';
export { TrytonConnector } from './connectors/tryton';
export type { TrytonConnectorOptions } from './connectors/tryton';
export { EncryptedFileSecretStore, SafeStorageSecretStore, webSecretStore, MissingSecretKeyError, SECRET_KEY_ENV } from './credentials';
export type { SecretStore, SafeStorageLike } from './credentials';
export type { ErpCustomerPayload, ErpProductPayload, ErpInvoicePayload, ErpInvoiceLine, ErpPaymentPayload, AggregateType } from './payloads';
