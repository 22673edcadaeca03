// Building blocks for form cards (cards/form.json): each flow step is a list of these.
import type { FormCardData, FormField } from '../../../cards/index.js';
import type { Verb } from '../verbs.js';

export const info = (text: string, color: Extract<FormField, { kind: 'info' }>['color'] = 'Default', bold = false): FormField => ({
  kind: 'info',
  text,
  color,
  weight: bold ? 'Bolder' : 'Default',
  error: '',
});

export const facts = (rows: { title: string; value: string }[]): FormField => ({ kind: 'facts', facts: rows, error: '' });

export const textInput = (id: string, label: string, value = '', error = '', options: { placeholder?: string; maxLength?: number; multiline?: boolean } = {}): FormField => ({
  kind: 'text',
  id,
  label,
  value,
  placeholder: options.placeholder ?? '',
  maxLength: options.maxLength ?? 200,
  multiline: options.multiline ?? false,
  error,
});

export const choice = (
  id: string,
  label: string,
  choices: { title: string; value: string }[],
  value = '',
  error = '',
  options: { style?: 'compact' | 'expanded'; multi?: boolean; placeholder?: string } = {},
): FormField => ({
  kind: 'choice',
  id,
  label,
  value,
  style: options.style ?? 'expanded',
  multi: options.multi ?? false,
  placeholder: options.placeholder ?? '',
  choices,
  error,
});

export const item = (text: string, subtext: string, action: { title: string; verb: Verb; data: Record<string, unknown> }): FormField => ({
  kind: 'item',
  text,
  subtext,
  action,
  error: '',
});

export const chart = (title: string, data: { x: string; y: number }[]): FormField => ({ kind: 'chart', title, data, error: '' });

export type FormAction = FormCardData['actions'][number];

export const button = (title: string, verb: Verb, data: Record<string, unknown>, style: FormAction['style'] = 'default'): FormAction => ({ title, verb, data, style });

/** 1..10 as choices, for COPM ratings. */
export const oneToTen = (): { title: string; value: string }[] => Array.from({ length: 10 }, (_, i) => ({ title: String(i + 1), value: String(i + 1) }));

export const dateInput = (id: string, label: string, value = '', error = ''): FormField => ({ kind: 'date', id, label, value, error });
export const timeInput = (id: string, label: string, value = '', error = ''): FormField => ({ kind: 'time', id, label, value, error });
