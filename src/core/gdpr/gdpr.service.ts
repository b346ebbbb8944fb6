// GDPR for customers: right of access (a ZIP of everything held about one customer), right to
// erasure (crypto-shredding, see customers.service.ts) and retention rules that erase customers
// inactive for a number of years, always shown as a dry run first.
import { strToU8, zipSync } from 'fflate';
import { z } from 'zod';
import type { Contact, Customer, GdprExport, RetentionReport, RetentionRule } from '../../shared/contract';
import type { ActivitiesService } from '../activities/activities.service';
import { contactSubject } from '../contacts/contacts.events';
import type { ContactsService } from '../contacts/contacts.service';
import { AppError, throwIfCancelled } from '../../shared/errors';
import type { AuditService } from '../audit/audit.service';
import type { SettingsStore } from '../settings/settings.store';
import type { Keyring } from '../crypto/keyring';
import { customerSubject } from '../customers/customers.events';
import { customerHistory } from '../customers/customers.history';
import type { CustomersRepo } from '../customers/customers.repo';
import type { CustomersService } from '../customers/customers.service';
import type { Clock } from '../deps';
import type { EventMeta, EventStore } from '../events/event-store';
import { toCsv, type CsvSeparator } from '../../shared/csv';
import type { Erasure, ErasureLog } from '../backup/erasure-log';

export interface GdprDeps {
  readonly tenantId: string;
  readonly customers: CustomersService;
  readonly contacts: ContactsService;
  readonly activities: ActivitiesService;
  readonly repo: CustomersRepo;
  readonly events: EventStore;
  readonly keyring: Keyring;
  readonly audit: AuditService;
  /** The company's own settings (the retention rule). */
  readonly settings: SettingsStore;
  readonly userName: (userId: string) => Promise<string | null>;
  readonly clock: Clock;
  /** Leaves no stale copy of erased rows in the store's files (WAL checkpoint, vacuum). */
  readonly compact: () => Promise<void>;
  /** Where each erasure is also written, outside the company's data (restoring a backup re-applies it). */
  readonly erasures: ErasureLog;
}

export interface Actor {
  readonly userId: string;
  readonly email: string;
}

export interface Progress {
  readonly onProgress?: (done: number, total: number, message: string) => void;
  readonly signal?: AbortSignal | undefined;
}

const README = `Kontor — data export (GDPR art. 15) / Datenauskunft (DSGVO Art. 15)

customer.json / customer.csv  The customer record as stored now / Der Kundendatensatz, wie er jetzt gespeichert ist
contact.json / contact.csv    (a contact person's export) Their record / (Export einer Kontaktperson) Ihr Datensatz
activities.json / .csv        Calls, meetings, emails, notes and tasks / Anrufe, Termine, E-Mails, Notizen und Aufgaben
events.json / events.csv      Every change, who made it and when / Jede Änderung, wer sie wann gemacht hat
audit.json / audit.csv        Audit log entries naming this customer / Protokolleinträge zu diesem Kunden
manifest.json                 What this file holds, and what Kontor does not hold / Was die Datei enthält und was Kontor nicht speichert
`;

export const RETENTION_KEY = 'retention';
const ruleSchema = z.object({ inactiveYears: z.number().int().nullable() });

export function createGdprService(deps: GdprDeps) {
  const { tenantId, customers, repo, events, keyring, audit, settings, clock } = deps;

  /** The audit entries naming a subject, as an export shows them. */
  async function auditAbout(subject: string) {
    return (await audit.about(subject, tenantId)).map((entry) => ({
      seq: entry.seq,
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      details: entry.details,
    }));
  }

  /**
   * One person's export as a ZIP: README, manifest, their record, every change and the audit
   * entries naming them, each as JSON and CSV (plus `extra` files), and an audit entry of its own.
   */
  async function zipExport(
    about: { subject: string; id: string; kind: 'customer' | 'contact'; erased: boolean; notHeld: string },
    record: Record<string, unknown>,
    history: readonly Record<string, unknown>[],
    entries: readonly Record<string, unknown>[],
    extra: Record<string, readonly Record<string, unknown>[]>,
    actor: Actor,
    separator: CsvSeparator,
  ): Promise<GdprExport> {
    const exportedAt = clock.now().toISOString();
    const counts = {
      profile: 1,
      events: history.length,
      audit: entries.length,
      ...Object.fromEntries(Object.entries(extra).map(([name, rows]) => [name, rows.length])),
    };
    const manifest = {
      format: 'kontor-gdpr-export',
      version: 1,
      exportedAt,
      exportedBy: actor.email,
      tenantId,
      subject: about.kind,
      [`${about.kind}Id`]: about.id,
      erased: about.erased,
      counts,
      notHeld: about.notHeld,
    };
    const json = (value: unknown) => strToU8(`${JSON.stringify(value, null, 2)}\n`);
    const csv = (rows: readonly Record<string, unknown>[], columns?: string[]) =>
      strToU8(toCsv(rows, columns, separator));
    const extraFiles = Object.fromEntries(
      Object.entries(extra).flatMap(([name, rows]) => [
        [`${name}.json`, json(rows)],
        [`${name}.csv`, csv(rows)],
      ]),
    );
    const zip = zipSync(
      {
        'README.txt': strToU8(README),
        'manifest.json': json(manifest),
        [`${about.kind}.json`]: json(record),
        [`${about.kind}.csv`]: csv([record]),
        'events.json': json(history),
        'events.csv': csv(history, ['position', 'version', 'type', 'at', 'userId', 'userName', 'deviceId', 'changes']),
        'audit.json': json(entries),
        'audit.csv': csv(entries, ['seq', 'at', 'actor', 'action', 'details']),
        ...extraFiles,
      },
      { level: 6, mtime: new Date(exportedAt) },
    );
    await audit.append({
      action: 'gdpr.exported',
      actorId: actor.userId,
      actor: actor.email,
      tenantId,
      target: about.subject,
      details: { [`${about.kind}Id`]: about.id, bytes: zip.length },
    });
    return {
      fileName: `kontor-gdpr-${about.id}-${exportedAt.slice(0, 10)}.zip`,
      base64: Buffer.from(zip).toString('base64'),
      bytes: zip.length,
      counts,
    };
  }

  async function exportCustomer(
    id: string,
    actor: Actor,
    { onProgress, signal }: Progress = {},
    separator: CsvSeparator = ',',
  ): Promise<GdprExport> {
    const steps = 4;
    const customer: Customer = await customers.get(id);
    onProgress?.(1, steps, 'profile');
    throwIfCancelled(signal, 'export cancelled');

    const history = await customerHistory(id, { events, keyring, userName: deps.userName });
    const activities = await deps.activities.list(id);
    onProgress?.(2, steps, 'events');
    throwIfCancelled(signal, 'export cancelled');

    const entries = await auditAbout(customerSubject(id));
    onProgress?.(3, steps, 'audit');
    throwIfCancelled(signal, 'export cancelled');

    const result = await zipExport(
      {
        subject: customerSubject(id),
        id,
        kind: 'customer',
        erased: customer.erasedAt !== null,
        notHeld:
          "Kontor holds no sales or analytics scores for customers in this version. Contact persons are people of their own: each one's data is exported on its own.",
      },
      customer,
      history,
      entries,
      { activities },
      actor,
      separator,
    );
    onProgress?.(4, steps, 'zip');
    return result;
  }

  async function exportContact(id: string, actor: Actor, separator: CsvSeparator = ','): Promise<GdprExport> {
    const contact = await deps.contacts.get(id);
    const names = new Map<string, string | null>();
    const history = [];
    for (const { event, changes } of await deps.contacts.history(id)) {
      const userId = event.meta.userId;
      if (userId && !names.has(userId)) names.set(userId, await deps.userName(userId));
      history.push({
        position: event.position,
        version: event.version,
        type: event.type,
        at: event.meta.at,
        userId,
        userName: userId ? (names.get(userId) ?? null) : null,
        deviceId: event.meta.deviceId,
        changes,
      });
    }
    return zipExport(
      {
        subject: contactSubject(id),
        id,
        kind: 'contact',
        erased: contact.erasedAt !== null,
        notHeld: 'Kontor holds nothing else about contact persons.',
      },
      contact,
      history,
      await auditAbout(contactSubject(id)),
      {},
      actor,
      separator,
    );
  }

  /** A system erasure (re-applied after a restore) has no acting user. */
  async function eraseOne(
    id: string,
    actor: Actor | null,
    meta: EventMeta,
    reason: 'request' | 'retention' | 'restore',
  ) {
    // Written ahead: a crash after the erasure commits must not leave it out of the log (a restore
    // of an older backup would bring the person back). Only for a customer that is there to erase.
    if ((await customers.get(id)).erasedAt === null) {
      deps.erasures.record({ tenantId, subject: customerSubject(id), at: clock.now().toISOString() });
    }
    const record = await customers.erase(id, meta);
    await audit.append({
      action: 'gdpr.erased',
      actorId: actor?.userId ?? null,
      actor: actor?.email ?? null,
      tenantId,
      target: customerSubject(id),
      details: { customerId: id, reason },
    });
    return record;
  }

  async function eraseContactOnly(id: string, actor: Actor | null, meta: EventMeta, reason: 'request' | 'restore') {
    if ((await deps.contacts.get(id)).erasedAt === null) {
      deps.erasures.record({ tenantId, subject: contactSubject(id), at: clock.now().toISOString() });
    }
    const contact = await deps.contacts.erase(id, meta);
    await audit.append({
      action: 'gdpr.erased',
      actorId: actor?.userId ?? null,
      actor: actor?.email ?? null,
      tenantId,
      target: contactSubject(id),
      details: { contactId: id, reason },
    });
    return contact;
  }

  async function eraseContact(id: string, actor: Actor, meta: EventMeta): Promise<Contact> {
    const contact = await eraseContactOnly(id, actor, meta, 'request');
    await deps.compact();
    return contact;
  }

  /**
   * After a restore: erases a subject of the erasure log again where the restored data still
   * holds it. What the backup does not hold, or holds erased already, is left as it is.
   */
  async function reapply(erasure: Erasure, meta: () => Promise<EventMeta>): Promise<'erased' | 'absent' | 'already'> {
    const [kind, id = ''] = erasure.subject.split(':');
    try {
      if (kind === 'customer') await eraseOne(id, null, await meta(), 'restore');
      else await eraseContactOnly(id, null, await meta(), 'restore');
      return 'erased';
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') return 'absent';
      if (error instanceof AppError && error.code === 'conflict') return 'already';
      throw error;
    }
  }

  async function erase(id: string, actor: Actor, meta: EventMeta): Promise<Customer> {
    const record = await eraseOne(id, actor, meta, 'request');
    await deps.compact();
    return record;
  }

  async function rule(): Promise<RetentionRule> {
    return {
      inactiveYears: (await settings.get(RETENTION_KEY, ruleSchema))?.inactiveYears ?? null,
    };
  }

  return {
    export: exportCustomer,
    erase,
    exportContact,
    eraseContact,
    reapply,
    compact: deps.compact,
    rule,
    async setRule(next: RetentionRule, actor: Actor): Promise<RetentionRule> {
      await settings.set(RETENTION_KEY, next);
      await audit.append({
        action: 'settings.retention.changed',
        actorId: actor.userId,
        actor: actor.email,
        tenantId,
        details: next,
      });
      return next;
    },
    /** Without `apply` only reports; with it, erases exactly the customers the report lists. */
    async runRetention(
      apply: boolean,
      actor: Actor,
      meta: () => Promise<EventMeta>,
      progress: Progress = {},
    ): Promise<RetentionReport> {
      const { inactiveYears } = await rule();
      if (inactiveYears === null) {
        return { inactiveYears, cutoff: null, applied: false, candidates: [], erased: 0 };
      }
      const cutoffDate = new Date(clock.now());
      cutoffDate.setUTCFullYear(cutoffDate.getUTCFullYear() - inactiveYears);
      const cutoff = cutoffDate.toISOString();
      const due = await repo.inactiveSince(cutoff);
      const candidates = due.map((c) => ({ id: c.id, name: c.name, updatedAt: c.updatedAt }));
      if (!apply) return { inactiveYears, cutoff, applied: false, candidates, erased: 0 };
      let erased = 0;
      for (const candidate of candidates) {
        if (progress.signal?.aborted) break;
        try {
          await eraseOne(candidate.id, actor, await meta(), 'retention');
          erased += 1;
        } catch (error) {
          // Changed or erased by someone else since the report: it is no longer due, so it stays.
          if (!(error instanceof AppError && error.code === 'conflict')) throw error;
        }
        progress.onProgress?.(erased, candidates.length, 'erased');
      }
      if (erased > 0) await deps.compact();
      return { inactiveYears, cutoff, applied: true, candidates, erased };
    },
  };
}

export type GdprService = ReturnType<typeof createGdprService>;
