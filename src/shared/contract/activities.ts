// Activities on a customer's timeline: calls, meetings, emails, notes, and tasks with a due date,
// an assignee and done/undone. Their text is the customer's personal data: sealed with the
// customer's key, so erasing the customer erases it too.
import { z } from 'zod';
import { isoTime } from './customers';
import { procedure } from './procedure';

export const activityKinds = ['call', 'meeting', 'email', 'note', 'task'] as const;
export type ActivityKind = (typeof activityKinds)[number];

const day = z.iso.date('A date reads YYYY-MM-DD');

export const activityFieldsSchema = z.strictObject({
  kind: z.enum(activityKinds),
  subject: z.string().trim().min(1, 'Give a subject').max(200),
  body: z.string().max(10_000).nullable().optional(),
  /** When it happened (calls, meetings); default: now. */
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  /** Tasks only. */
  dueDate: day.nullable().optional(),
  /** Tasks only: a user of this company. */
  assigneeId: z.uuid('Not a valid user id').nullable().optional(),
});
export type ActivityFields = z.input<typeof activityFieldsSchema>;
export type ParsedActivityFields = z.output<typeof activityFieldsSchema>;

export const activitySchema = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  kind: z.enum(activityKinds),
  /** The erasure marker once the customer was erased. */
  subject: z.string(),
  body: z.string().nullable(),
  occurredAt: isoTime,
  dueDate: z.string().nullable(),
  assigneeId: z.string().nullable(),
  /** Tasks: when it was marked done. */
  doneAt: isoTime.nullable(),
  createdBy: z.string().nullable(),
  version: z.number().int().positive(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Activity = z.infer<typeof activitySchema>;

export const myTaskSchema = activitySchema.extend({
  customerNumber: z.string(),
  customerName: z.string(),
});
export type MyTask = z.infer<typeof myTaskSchema>;

const activityId = z.uuid('Not a valid activity id');
const expectedVersion = z.number().int().positive().optional();

export const activitiesContract = {
  'activities.list': procedure({
    summary: "A customer's activities, newest first",
    input: z.strictObject({ customerId: z.uuid('Not a valid customer id') }),
    output: z.array(activitySchema),
    permission: 'customers.read',
  }),
  'activities.log': procedure({
    summary: 'Record a call, meeting, email, note or task on a customer',
    input: z.strictObject({ customerId: z.uuid('Not a valid customer id'), fields: activityFieldsSchema }),
    output: activitySchema,
    permission: 'customers.write',
  }),
  'activities.update': procedure({
    summary: 'Change an activity',
    input: z.strictObject({
      id: activityId,
      expectedVersion,
      changes: activityFieldsSchema
        .omit({ kind: true })
        .partial()
        .refine((c) => Object.keys(c).length > 0, 'Name at least one field'),
    }),
    output: activitySchema,
    permission: 'customers.write',
  }),
  'activities.complete': procedure({
    summary: 'Mark a task done, or open again',
    input: z.strictObject({ id: activityId, done: z.boolean(), expectedVersion }),
    output: activitySchema,
    permission: 'customers.write',
  }),
  'activities.remove': procedure({
    summary: 'Remove an activity',
    input: z.strictObject({ id: activityId, expectedVersion }),
    output: z.object({ removed: z.literal(true) }),
    permission: 'customers.write',
  }),
  'activities.myTasks': procedure({
    summary: 'The open tasks assigned to me, soonest due first',
    input: z.strictObject({}),
    output: z.array(myTaskSchema),
    permission: 'customers.read',
  }),
} as const;
