/** Contract pricing, bundles and the price model editor/preview (issue #3). */
export { BundleEditor } from './BundleEditor';
export { BundlesPage } from './BundlesPage';
export { ContractPriceDialog } from './ContractPriceDialog';
export { ContractPricingPanel } from './ContractPricingPanel';
export { PriceCalculatorPage } from './PriceCalculatorPage';
export { PriceChart } from './PriceChart';
export { PriceModelEditor, type PriceModelEditorProps } from './PriceModelEditor';
export { PricePreview, type PricePreviewProps } from './PricePreview';
export { PLAN_MODEL_KINDS } from './planModels';
export { checkModel, draftOf, emptyDraft, type ModelDraft, modelSummary, toModel } from './model';
