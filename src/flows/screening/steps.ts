// What each step accepts: the citizen (CPR, name, eligibility), the activities, the chosen ones, the
// scores and the profile. Bad input comes back on the same card with the message at the field.
import { actorOf } from '../shared/audit.js';
import { findOrCreateCitizen } from '../shared/citizens.js';
import { relationsTo } from '../../services/access.js';
import { randomUUID } from 'node:crypto';
import { COPM_SUB_AREAS, isScore, type CopmSubArea } from '../../domain/copm.js';
import { ageOn } from '../../domain/cpr.js';
import { readCpr } from '../shared/cpr.js';
import { readFields } from '../shared/inputs.js';
import { PROFILE_ANSWERS, SUPPORT_LEVELS, TRANSPORT_NEEDS, type Profile } from '../../domain/targetGroup.js';
import { copenhagenDay } from '../../i18n/format.js';
import { t } from '../../i18n/index.js';
import type { ExecuteResult, Services, Turn } from '../types.js';
import { chosenProblems, stepCard } from './cards.js';
import { CITIZEN_FIELDS, type Loaded, MAX_PROBLEMS, PROBLEM_FIELDS, type Step, draftOf, forgetCreatedCitizen, saveDraft, str, PURPOSE } from './draft.js';
import { confirmOutcome, eligibilityOf } from './outcome.js';
import { submitReassessCitizen } from './reassess.js';

async function submitCitizen(turn: Turn, services: Services, loaded: Loaded, data: Record<string, unknown>): Promise<ExecuteResult> {
  const L = turn.lang;
  const { values, errors } = readFields(L, data, CITIZEN_FIELDS);
  const cpr = readCpr(values.cpr, L, services);
  if (!cpr.ok) errors.cpr ??= cpr.error;
  const name = values.name.trim();
  if (!name || name.length > 100) errors.name ??= t(L, 'screening.error.nameLength');
  if (!['yes', 'no'].includes(values.livesAtHome)) errors.livesAtHome ??= t(L, 'screening.error.choose');
  if (!['yes', 'no'].includes(values.specialStaff)) errors.specialStaff ??= t(L, 'screening.error.choose');
  let warning: string | undefined;
  let age: number | undefined;
  if (cpr.ok) {
    age = ageOn(cpr.cpr, copenhagenDay(services.clock.now()));
    if (age < 65) {
      warning = t(L, 'screening.under65', { age });
      if (!values.under65Reason.trim()) errors.under65Reason ??= t(L, 'screening.error.reason');
    }
  }
  if (Object.keys(errors).length || !cpr.ok) {
    return { card: stepCard(turn, services, loaded.screening, loaded.draft, { errors: errors as Record<string, string>, values, warning }) };
  }
  const { screening, draft } = loaded;
  let citizenId = screening.citizenId;
  // Known to the bot when this draft first looked the CPR number up (with or without a relation).
  let known = draft.known || !!draft.knownWithoutRelation;
  let createdCitizen = draft.createdCitizen;
  // A different CPR than before: let go of the citizen this draft created for the old one.
  const previous = citizenId ? await services.store.citizens.get(citizenId) : undefined;
  if (previous && previous.cpr !== cpr.cpr.digits) {
    if (createdCitizen) await forgetCreatedCitizen(turn, services, previous, screening.id);
    citizenId = undefined;
    known = false;
    createdCitizen = false;
  }
  if (!citizenId) {
    const found = await findOrCreateCitizen(services, actorOf(turn), cpr.cpr.digits, name, { purpose: PURPOSE, lookedUp: t('da', 'audit.screening.lookup'), created: t('da', 'audit.screening.citizen') });
    citizenId = found.citizen.id;
    known = found.known;
    createdCitizen = !found.known;
  }
  // Whether the bot knows the citizen, and under what name, is for those with a relation to the
  // citizen already (src/services/access.ts); to anyone else this screening is a first meeting, under
  // the name they typed.
  const related = known && (await relationsTo(services.store, turn.staff, citizenId)).length > 0;
  const stored = related ? await services.store.citizens.get(citizenId) : undefined;
  draft.citizen = { cpr: cpr.cpr.digits, name: stored?.name ?? name, livesAtHome: values.livesAtHome as 'yes' | 'no', specialStaff: values.specialStaff as 'yes' | 'no', under65Reason: age !== undefined && age < 65 ? values.under65Reason.trim() : '', age };
  draft.known = related;
  draft.knownWithoutRelation = known && !related;
  draft.createdCitizen = createdCitizen;
  const elig = eligibilityOf(draft);
  // Outside all three offers: nothing more to ask before telling the staff member so.
  draft.step = elig.livesAtHome && !elig.needsSpecialStaff ? 'problems' : 'outcome';
  const saved = await saveDraft(turn, services, { ...screening, citizenId }, draft, t('da', 'audit.screening.draft'));
  return { card: stepCard(turn, services, saved, draft) };
}

export async function addProblem(turn: Turn, services: Services, loaded: Loaded, data: Record<string, unknown>): Promise<ExecuteResult> {
  const L = turn.lang;
  const { screening, draft } = loaded;
  if (draft.step !== 'problems') return { card: stepCard(turn, services, screening, draft, { notice: t(L, 'screening.stale') }) };
  const fields = readFields(L, data, PROBLEM_FIELDS);
  const { values } = fields;
  const errors: Record<string, string> = { ...fields.errors };
  const activity = values.activity.trim();
  if (!activity || activity.length > 120) errors.activity ??= t(L, 'screening.error.activity');
  if (!(COPM_SUB_AREAS as readonly string[]).includes(values.subArea)) errors.subArea ??= t(L, 'screening.error.choose');
  const importance = Number(values.importance);
  if (!isScore(importance)) errors.importance ??= t(L, 'screening.error.importance');
  if (draft.problems.length >= MAX_PROBLEMS) errors.list = t(L, 'screening.error.tooMany');
  if (Object.keys(errors).length) return { card: stepCard(turn, services, screening, draft, { errors, values }) };
  draft.problems.push({ id: `p${randomUUID().slice(0, 8)}`, activity, subArea: values.subArea as CopmSubArea, importance });
  draft.chosen = [];
  const saved = await saveDraft(turn, services, screening, draft, t('da', 'audit.screening.problems'));
  return { card: stepCard(turn, services, saved, draft) };
}

export async function removeProblem(turn: Turn, services: Services, loaded: Loaded, data: Record<string, unknown>): Promise<ExecuteResult> {
  const { screening, draft } = loaded;
  const pid = str(data.pid);
  if (draft.step !== 'problems' || !draft.problems.some((p) => p.id === pid)) {
    return { card: stepCard(turn, services, screening, draft, { notice: t(turn.lang, 'screening.stale') }) };
  }
  draft.problems = draft.problems.filter((p) => p.id !== pid);
  draft.chosen = [];
  const saved = await saveDraft(turn, services, screening, draft, t('da', 'audit.screening.problems'));
  return { card: stepCard(turn, services, saved, draft) };
}

export async function submit(turn: Turn, services: Services, loaded: Loaded, data: Record<string, unknown>): Promise<ExecuteResult> {
  const L = turn.lang;
  const { screening, draft } = loaded;
  const errors: Record<string, string> = {};
  const values: Record<string, string> = {};
  switch (draft.step) {
    case 'citizen':
      return draft.kind === 'reassessment' ? submitReassessCitizen(turn, services, loaded, data) : submitCitizen(turn, services, loaded, data);
    case 'problems':
      if (!draft.problems.length) return { card: stepCard(turn, services, screening, draft, { errors: { list: t(L, 'screening.error.atLeastOne') } }) };
      draft.step = 'choose';
      break;
    case 'choose': {
      values.chosen = str(data.chosen);
      const ids = values.chosen.split(',').map((s) => s.trim()).filter(Boolean);
      const valid = ids.every((id) => draft.problems.some((p) => p.id === id)) && new Set(ids).size === ids.length;
      if (!valid || ids.length < 1 || ids.length > 5) return { card: stepCard(turn, services, screening, draft, { errors: { chosen: t(L, 'screening.error.chooseCount') }, values }) };
      draft.chosen = ids;
      draft.step = 'scores';
      break;
    }
    case 'scores': {
      for (const p of chosenProblems(draft)) {
        for (const [prefix, key] of [['perf_', 'performance'], ['sat_', 'satisfaction']] as const) {
          const raw = str(data[`${prefix}${p.id}`]);
          values[`${prefix}${p.id}`] = raw;
          const n = Number(raw);
          if (!isScore(n)) errors[`${prefix}${p.id}`] = t(L, 'screening.error.score');
          else p[key] = n;
        }
      }
      if (Object.keys(errors).length) return { card: stepCard(turn, services, screening, draftOf(screening), { errors, values }) };
      draft.step = draft.kind === 'reassessment' ? 'compare' : 'profile';
      break;
    }
    case 'profile': {
      const profile: Partial<Profile> = {};
      for (const key of PROFILE_ANSWERS) values[key] = str(data[key]);
      if ((SUPPORT_LEVELS as readonly string[]).includes(values.activitySupport!)) profile.activitySupport = values.activitySupport as Profile['activitySupport'];
      else errors.activitySupport = t(L, 'screening.error.choose');
      if ((SUPPORT_LEVELS as readonly string[]).includes(values.relationSupport!)) profile.relationSupport = values.relationSupport as Profile['relationSupport'];
      else errors.relationSupport = t(L, 'screening.error.choose');
      if (values.careDuringHours === 'yes' || values.careDuringHours === 'no') profile.careDuringHours = values.careDuringHours === 'yes';
      else errors.careDuringHours = t(L, 'screening.error.choose');
      if ((TRANSPORT_NEEDS as readonly string[]).includes(values.transport!)) profile.transport = values.transport as Profile['transport'];
      else errors.transport = t(L, 'screening.error.choose');
      if (Object.keys(errors).length) return { card: stepCard(turn, services, screening, draft, { errors, values }) };
      draft.profile = profile;
      draft.step = 'outcome';
      break;
    }
    case 'outcome':
    case 'compare':
      return confirmOutcome(turn, services, loaded, undefined);
  }
  const saved = await saveDraft(turn, services, screening, draft, t('da', 'audit.screening.draft'));
  return { card: stepCard(turn, services, saved, draft) };
}

export async function back(turn: Turn, services: Services, loaded: Loaded): Promise<ExecuteResult> {
  const { screening, draft } = loaded;
  const elig = eligibilityOf(draft);
  const outside = !elig.livesAtHome || elig.needsSpecialStaff;
  const previous: Record<Step, Step> = { citizen: 'citizen', problems: 'citizen', choose: 'problems', scores: 'choose', profile: 'scores', outcome: outside ? 'citizen' : 'profile', compare: 'scores' };
  draft.step = previous[draft.step];
  const saved = await saveDraft(turn, services, screening, draft, t('da', 'audit.screening.draft'));
  return { card: stepCard(turn, services, saved, draft) };
}
