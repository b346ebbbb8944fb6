// GDPR for customers: right of access (a ZIP of everything held about one customer), right to
// erasure (crypto-shredding, see customers.service.ts) and retention rules that erase customers
// inactive for a number of years, always shown as a dry run first.
import { strToU8, zipSync } from 'fflate';
import { z } from 'zod';
import type { Customer, GdprExport, RetentionReport, RetentionRule } from '../../shared/contract';
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

export interface GdprDeps {
  readonly tenantId: string;
  readonly customers: CustomersService;
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
events.json / events.csv      Every change, who made it and when / Jede Änderung, wer sie wann gemacht hat
audit.json / audit.csv        Audit log entries naming this customer / Protokolleinträge zu diesem Kunden
manifest.json                 What this file holds, and what Kontor does not hold / Was die Datei enthält und was Kontor nicht speichert
`;

export const RETENTION_KEY = 'retention';
const ruleSchema = z.object({ inactiveYears: z.number().int().nullable() });

export function createGdprService(deps: GdprDeps) {
  const { tenantId, customers, repo, events, keyring, audit, settings, clock } = deps;

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
    onProgress?.(2, steps, 'events');
    throwIfCancelled(signal, 'export cancelled');

    const entries = (await audit.about(customerSubject(id), tenantId)).map((entry) => ({
      seq: entry.seq,
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      details: entry.details,
    }));
    onProgress?.(3, steps, 'audit');
    throwIfCancelled(signal, 'export cancelled');

    const exportedAt = clock.now().toISOString();
    const counts = { profile: 1, events: history.length, audit: entries.length, contacts: 0, sales: 0, analytics: 0 };
    const manifest = {
      format: 'kontor-gdpr-export',
      version: 1,
      exportedAt,
      exportedBy: actor.email,
      tenantId,
      customerId: id,
      erased: customer.erasedAt !== null,
      counts,
      notHeld:
        'Kontor holds no contact persons, sales or analytics scores for customers in this version; those files are absent.',
    };
    const json = (value: unknown) => strToU8(`${JSON.stringify(value, null, 2)}\n`);
    const zip = zipSync(
      {
        'README.txt': strToU8(README),
        'manifest.json': json(manifest),
        'customer.json': json(customer),
        'customer.csv': strToU8(toCsv([customer], undefined, separator)),
        'events.json': json(history),
        'events.csv': strToU8(
          toCsv(history, ['position', 'version', 'type', 'at', 'userId', 'userName', 'deviceId', 'changes'], separator),
        ),
        'audit.json': json(entries),
        'audit.csv': strToU8(toCsv(entries, ['seq', 'at', 'actor', 'action', 'details'], separator)),
      },
      { level: 6, mtime: new Date(exportedAt) },
    );
    await audit.append({
      action: 'gdpr.exported',
      actorId: actor.userId,
      actor: actor.email,
      tenantId,
      target: customerSubject(id),
      details: { customerId: id, bytes: zip.length },
    });
    onProgress?.(4, steps, 'zip');
    const day = exportedAt.slice(0, 10);
    return {
      fileName: `kontor-gdpr-${id}-${day}.zip`,
      base64: Buffer.from(zip).toString('base64'),
      bytes: zip.length,
      counts,
    };
  }

  async function eraseOne(id: string, actor: Actor, meta: EventMeta, reason: 'request' | 'retention') {
    const record = await customers.erase(id, meta);
    await audit.append({
      action: 'gdpr.erased',
      actorId: actor.userId,
      actor: actor.email,
      tenantId,
      target: customerSubject(id),
      details: { customerId: id, reason },
    });
    return record;
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
