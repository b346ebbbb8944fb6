// Activities on a customer's timeline. Every change is an event in the activity's own stream (so
// logging a call never conflicts with someone editing the customer); the customer_activities table
// is a projection updated in the same transaction. Text is sealed with the customer's data key.
import { getTableName, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  activityKinds,
  ERASURE_MARKER,
  type Activity,
  type MyTask,
  type ParsedActivityFields,
} from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { isSealed, openJson, sealJson, type DataKey, type Keyring } from '../crypto/keyring';
import { customerSubject } from '../customers/customers.events';
import type { CustomersRepo } from '../customers/customers.repo';
import { customersSqlite } from '../customers/customers.schema';
import { findCustomer, refuseErased, type CustomerDependents } from '../customers/customers.service';
import { col, rowsInChunks, selectColumns, toNumber, type Executor, toIso, toIsoOrNull, toText } from '../db/executor';
import type { Clock, IdSource } from '../deps';
import type { EventMeta, EventStore, NewEvent } from '../events/event-store';
import type { StreamRows } from '../events/stream-records';
import {
  activityIdOf,
  activityLogged,
  activityStream,
  changedActivity,
  contentSchema,
  done,
  logged,
  movedActivity,
  nextActivity,
  removedActivity,
  reopened,
  type ActivityContentChanges,
  type ActivityFact,
  type ActivityPlain,
  type ActivityRecord,
} from './activities.events';
import { activitiesSqlite } from './activities.schema';

const t = activitiesSqlite;
const c = customersSqlite;
type Row = Record<keyof typeof t.$inferSelect, unknown>;
const contentAad = (id: string) => `activity:${id}:content`;
const kindSchema = z.enum(activityKinds);

/** The activities projection: content sealed with the customer's key, NULL once it is gone. */
export function createActivitiesRepo(db: Executor, keyring: Keyring) {
  const activities = db.table(getTableName(t));
  const customers = db.table(getTableName(c));

  async function records(rows: readonly Row[], tx: Executor): Promise<ActivityRecord[]> {
    const subjects = [
      ...new Set(rows.filter((r) => r.content !== null).map((r) => customerSubject(String(r.customerId)))),
    ];
    const keys = subjects.length > 0 ? await keyring.dataKeys(subjects, tx) : new Map<string, DataKey>();
    return rows.map((row) => {
      const id = String(row.id);
      const key = keys.get(customerSubject(String(row.customerId)));
      return {
        id,
        customerId: String(row.customerId),
        kind: kindSchema.parse(row.kind),
        occurredAt: toIso(row.occurredAt),
        dueDate: toText(row.dueDate),
        assigneeId: toText(row.assigneeId),
        content: isSealed(row.content) && key ? contentSchema.parse(openJson(key, contentAad(id), row.content)) : null,
        doneAt: toIsoOrNull(row.doneAt),
        createdBy: toText(row.createdBy),
        version: toNumber(row.version),
        createdAt: toIso(row.createdAt),
        updatedAt: toIso(row.updatedAt),
      };
    });
  }

  async function load(ids: readonly string[], tx: Executor = db): Promise<Map<string, ActivityRecord>> {
    const rows = await rowsInChunks(ids, (chunk) =>
      tx.rows<Row>(sql`SELECT ${selectColumns(t)} FROM ${activities} WHERE ${tx.inList(col(t.id), chunk)}`),
    );
    return new Map((await records(rows, tx)).map((r) => [r.id, r]));
  }

  async function write(ids: readonly string[], list: readonly ActivityRecord[], tx: Executor): Promise<void> {
    await rowsInChunks(ids, async (chunk) => {
      await tx.run(sql`DELETE FROM ${activities} WHERE ${tx.inList(col(t.id), chunk)}`);
      return [];
    });
    const subjects = [...new Set(list.filter((r) => r.content).map((r) => customerSubject(r.customerId)))];
    const keys = subjects.length > 0 ? await keyring.dataKeys(subjects, tx) : new Map<string, DataKey>();
    await tx.insert(
      t,
      list.map((r) => {
        const key = keys.get(customerSubject(r.customerId));
        return {
          id: r.id,
          customerId: r.customerId,
          kind: r.kind,
          occurredAt: r.occurredAt,
          dueDate: r.dueDate,
          assigneeId: r.assigneeId,
          doneAt: r.doneAt,
          createdBy: r.createdBy,
          content: r.content && key ? sealJson(key, contentAad(r.id), r.content) : null,
          version: r.version,
          createdAt: r.createdAt,
          updatedAt: r.updatedAt,
        };
      }),
    );
  }

  return {
    tables: [getTableName(t)],
    load,
    write,
    async ofCustomer(customerId: string, tx: Executor = db, limit = 1000): Promise<ActivityRecord[]> {
      const rows = await tx.rows<Row>(sql`SELECT ${selectColumns(t)} FROM ${activities}
        WHERE ${col(t.customerId)} = ${customerId}
        ORDER BY ${col(t.occurredAt)} DESC, ${col(t.id)} DESC LIMIT ${limit}`);
      return records(rows, tx);
    },
    /** Open tasks of one assignee with their customer's number and name, soonest due first (no date last). */
    async openTasks(assigneeId: string, limit = 500): Promise<(ActivityRecord & { number: string; name: string })[]> {
      const rows = await db.rows<Row & { cNumber: unknown; cName: unknown }>(sql`SELECT ${selectColumns(t, 'a')},
        ${col(c.number, 'c')} AS ${sql.identifier('cNumber')}, ${col(c.name, 'c')} AS ${sql.identifier('cName')}
        FROM ${activities} a JOIN ${customers} c ON ${col(c.id, 'c')} = ${col(t.customerId, 'a')}
        WHERE ${col(t.assigneeId, 'a')} = ${assigneeId} AND ${col(t.doneAt, 'a')} IS NULL AND ${col(t.kind, 'a')} = 'task'
        ORDER BY (${col(t.dueDate, 'a')} IS NULL), ${col(t.dueDate, 'a')}, ${col(t.occurredAt, 'a')}, ${col(t.id, 'a')}
        LIMIT ${limit}`);
      const list = await records(rows, db);
      return list.map((record, i) => ({
        ...record,
        number: toText(rows[i]?.cNumber) ?? '',
        name: toText(rows[i]?.cName) ?? '',
      }));
    },
    /** Whether anyone but `creator` logged an activity on the customer. */
    async loggedByOthers(customerId: string, creator: string | null): Promise<boolean> {
      const rows = await db.rows(sql`SELECT 1 AS one FROM ${activities} WHERE ${col(t.customerId)} = ${customerId}
        AND ${col(t.createdBy)} IS NOT NULL ${creator === null ? sql`` : sql`AND ${col(t.createdBy)} <> ${creator}`} LIMIT 1`);
      return rows.length > 0;
    },
    /** The customer was erased: its activities' text is gone with its key; the rows say so. */
    async forget(customerId: string, tx: Executor) {
      await tx.run(sql`UPDATE ${activities} SET ${col(t.content)} = NULL WHERE ${col(t.customerId)} = ${customerId}`);
    },
    async clear(tx: Executor) {
      await tx.run(sql`DELETE FROM ${activities}`);
    },
  };
}
export type ActivitiesRepo = ReturnType<typeof createActivitiesRepo>;

/** How replay folds activity events onto the projection. */
export function activityRows(repo: ActivitiesRepo): StreamRows<ActivityRecord, ActivityFact> {
  return {
    idOf: activityIdOf,
    starts: (event) => event.type === activityLogged.type,
    load: repo.load,
    next: nextActivity,
    write: repo.write,
  };
}

export function toActivity(record: ActivityRecord): Activity {
  const { content, ...rest } = record;
  return { ...rest, subject: content?.subject ?? ERASURE_MARKER, body: content?.body ?? null };
}

export interface ActivitiesServiceDeps {
  readonly db: Executor;
  readonly repo: ActivitiesRepo;
  readonly customers: CustomersRepo;
  readonly events: EventStore;
  readonly keyring: Keyring;
  readonly ids: IdSource;
  readonly clock: Clock;
  /** Whether the user may be assigned tasks of this company (a member of it). */
  readonly isMember: (userId: string) => Promise<boolean>;
}

function invalid(path: string, rule: string, message: string): AppError {
  return new AppError('validation', `invalid activity: ${path}: ${message}`, { issues: [{ path, rule, message }] });
}

export function createActivitiesService(deps: ActivitiesServiceDeps) {
  const { db, repo, events, keyring, ids } = deps;

  /** The key that seals a customer's activities; the customer must not be erased. */
  async function customerKey(customerId: string, tx?: Executor): Promise<DataKey> {
    refuseErased(await findCustomer(deps.customers, events, customerId, tx));
    const key = await keyring.dataKey(customerSubject(customerId), tx);
    if (!key) throw new Error(`customer ${customerId} is not erased but has no data key`);
    return key;
  }

  async function get(id: string): Promise<ActivityRecord> {
    const found = (await repo.load([id])).get(id);
    if (!found) throw new AppError('not_found', `no activity with id ${id}`, { reason: 'no_activity' });
    return found;
  }

  /** Due date and assignee belong to tasks; an assignee is a user of this company. */
  async function checkTaskFields(kind: string, fields: Partial<ParsedActivityFields>) {
    if (kind !== 'task') {
      if (fields.dueDate) throw invalid('dueDate', 'task_only', 'only a task has a due date');
      if (fields.assigneeId) throw invalid('assigneeId', 'task_only', 'only a task has an assignee');
    }
    if (fields.assigneeId && !(await deps.isMember(fields.assigneeId))) {
      throw invalid('assigneeId', 'assignee', 'the assignee must be a user of this company');
    }
  }

  async function record(
    current: ActivityRecord | null,
    id: string,
    version: number,
    event: NewEvent,
    fact: ActivityFact,
    meta: EventMeta,
    tx: Executor,
  ): Promise<ActivityRecord | null> {
    const [stored] = await events.append(activityStream(id), version, [event], meta, tx);
    if (!stored) throw new Error('no event appended');
    const next = nextActivity(current, stored, fact);
    await repo.write([id], next ? [next] : [], tx);
    return next;
  }

  const dependents: CustomerDependents = {
    erase: (customerId, _meta, tx) => repo.forget(customerId, tx),
    async remove(customerId, meta, tx) {
      for (const activity of await repo.ofCustomer(customerId, tx, 100_000)) {
        await record(activity, activity.id, activity.version, removedActivity(), { kind: 'removed' }, meta, tx);
      }
    },
    touchedByOthers: (customerId, creator) => repo.loggedByOthers(customerId, creator),
    async merge(from, into, meta, tx) {
      for (const activity of await repo.ofCustomer(from, tx, 100_000)) {
        await record(
          activity,
          activity.id,
          activity.version,
          movedActivity(into),
          { kind: 'moved', customerId: into },
          meta,
          tx,
        );
      }
    },
  };

  return {
    dependents,
    async list(customerId: string): Promise<Activity[]> {
      await findCustomer(deps.customers, events, customerId);
      return (await repo.ofCustomer(customerId)).map(toActivity);
    },

    async log(customerId: string, fields: ParsedActivityFields, meta: EventMeta): Promise<Activity> {
      await checkTaskFields(fields.kind, fields);
      const id = ids.next();
      const plain: ActivityPlain = {
        occurredAt: new Date(fields.occurredAt ?? deps.clock.now()).toISOString(),
        dueDate: fields.dueDate ?? null,
        assigneeId: fields.assigneeId ?? null,
      };
      const content = { subject: fields.subject.trim(), body: fields.body?.trim() || null };
      return db.transaction(async (tx) => {
        const key = await customerKey(customerId, tx);
        const made = await record(
          null,
          id,
          0,
          logged(key, id, customerId, fields.kind, plain, content),
          { kind: 'logged', customerId, activity: fields.kind, plain, content },
          meta,
          tx,
        );
        if (!made) throw new Error('no activity made');
        return toActivity(made);
      });
    },

    async update(
      id: string,
      changes: Partial<Omit<ParsedActivityFields, 'kind'>>,
      meta: EventMeta,
      expectedVersion?: number,
    ): Promise<Activity> {
      const current = await get(id);
      await checkTaskFields(current.kind, changes);
      const plain: Partial<{ -readonly [K in keyof ActivityPlain]: ActivityPlain[K] }> = {};
      if (changes.occurredAt !== undefined) plain.occurredAt = new Date(changes.occurredAt).toISOString();
      if (changes.dueDate !== undefined) plain.dueDate = changes.dueDate;
      if (changes.assigneeId !== undefined) plain.assigneeId = changes.assigneeId;
      const content: { -readonly [K in keyof ActivityContentChanges]: ActivityContentChanges[K] } = {};
      if (changes.subject !== undefined) content.subject = changes.subject.trim();
      if (changes.body !== undefined) content.body = changes.body?.trim() || null;
      const plainChanged = Object.fromEntries(
        Object.entries(plain).filter(([k, v]) => current[k as keyof ActivityPlain] !== v),
      ) as Partial<ActivityPlain>;
      const contentChanged = Object.fromEntries(
        Object.entries(content).filter(([k, v]) => current.content?.[k as 'subject' | 'body'] !== v),
      ) as ActivityContentChanges;
      if (Object.keys(plainChanged).length + Object.keys(contentChanged).length === 0) return toActivity(current);
      return db.transaction(async (tx) => {
        const key = await customerKey(current.customerId, tx);
        const next = await record(
          current,
          id,
          expectedVersion ?? current.version,
          changedActivity(key, id, current.customerId, plainChanged, contentChanged),
          { kind: 'changed', plain: plainChanged, content: contentChanged },
          meta,
          tx,
        );
        if (!next) throw new Error('activity gone after a change');
        return toActivity(next);
      });
    },

    async complete(id: string, isDone: boolean, meta: EventMeta, expectedVersion?: number): Promise<Activity> {
      const current = await get(id);
      if (current.kind !== 'task') {
        throw new AppError('conflict', 'only a task can be done or open', { reason: 'not_a_task' });
      }
      if ((current.doneAt !== null) === isDone) return toActivity(current);
      return db.transaction(async (tx) => {
        const next = await record(
          current,
          id,
          expectedVersion ?? current.version,
          isDone ? done() : reopened(),
          { kind: isDone ? 'done' : 'reopened' },
          meta,
          tx,
        );
        if (!next) throw new Error('activity gone after completion');
        return toActivity(next);
      });
    },

    async remove(id: string, meta: EventMeta, expectedVersion?: number): Promise<void> {
      const current = await get(id);
      await db.transaction((tx) =>
        record(current, id, expectedVersion ?? current.version, removedActivity(), { kind: 'removed' }, meta, tx),
      );
    },

    async myTasks(userId: string): Promise<MyTask[]> {
      return (await repo.openTasks(userId)).map(({ number, name, ...record }) => ({
        ...toActivity(record),
        customerNumber: number,
        customerName: name,
      }));
    },
  };
}
export type ActivitiesService = ReturnType<typeof createActivitiesService>;
