/**
 * The tiered, package and percentage models for the plan form's price editor (renderer/src/features/catalog/pricing/
 * PriceEditor.tsx, whose CHARGE_MODELS registry takes them by appending `...PLAN_MODEL_KINDS`). Each model's fields
 * are the PriceModelEditor (without its type selector: the plan row has one). The form keeps `{ type, draft }` while
 * editing; a plan loaded from the API carries the API model, turned into a draft on first render.
 */
import { useEffect } from 'react';
import type { ChargeModelKind, ModelValues } from '../catalog/pricing/PriceEditor';
import { useField, useFormApi } from '../../components/form';
import { checkModel, draftOf, emptyDraft, MODEL_TYPES, type ChargeModel, type ModelDraft, type ModelType, modelSummary, switchType, toModel } from './model';
import { PriceModelEditor } from './PriceModelEditor';

const PLAN_TYPES: ModelType[] = ['graduated', 'volume', 'package', 'stairstep', 'percentage', 'graduated_percentage'];

/** The draft of a plan-form model value: its draft while edited, else the API model it was loaded as. */
function draftOfValues(m: ModelValues): ModelDraft {
  const d = (m as { draft?: ModelDraft }).draft;
  if (d && d.type === m.type) return d;
  try {
    return draftOf(m as unknown as ChargeModel);
  } catch {
    return emptyDraft(m.type as ModelType);
  }
}

function Fields({ path, currency }: { path: string; currency: string }) {
  const { value, set } = useField<ModelValues>(path);
  const form = useFormApi();
  const draft = draftOfValues(value);
  const hasDraft = !!(value as { draft?: ModelDraft }).draft;
  useEffect(() => {
    if (!hasDraft) set({ type: draft.type, draft });
  }, [hasDraft]); // normalise once to the edited shape
  return (
    <PriceModelEditor
      value={draft}
      onChange={(d) => set({ type: d.type, draft: d })}
      currency={currency}
      hideType
      showAllErrors={!!form.errors[`${path}.type`]}
      testId={`field-${path}`}
    />
  );
}

export const PLAN_MODEL_KINDS: ChargeModelKind[] = PLAN_TYPES.map((type) => ({
  type,
  label: MODEL_TYPES.find((m) => m.type === type)!.label,
  empty: (prev) => {
    const d = prev ? switchType(draftOfValues(prev), type) : emptyDraft(type);
    return { type, draft: d };
  },
  Fields,
  check: (m, path) => (Object.keys(checkModel(draftOfValues(m))).length > 0 ? { [`${path}.type`]: 'complete the price model: see the messages below' } : {}),
  toApi: (m) => toModel(draftOfValues(m)) as ReturnType<ChargeModelKind['toApi']>,
  summary: (m, currency) => modelSummary(toModel(draftOfValues(m)), currency),
}));
