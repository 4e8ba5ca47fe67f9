/**
 * The former names of the shared table (see table.ts), kept so code written
 * against them still compiles. New code uses table.ts.
 *
 * @module
 */
import { TableStore, tableErrors, type SharedTable, type TableEntry } from './table.js'

/** @deprecated Use {@link SharedTable}. */
export type RecordBackend = SharedTable
/** @deprecated Use {@link TableEntry}. */
export type RecordEntry = TableEntry
/** @deprecated Use {@link TableStore}. */
export const OwnedStore = TableStore
/** @deprecated Use {@link TableStore}. */
export type OwnedStore = TableStore
/** @deprecated Use {@link tableErrors}. */
export const recordErrors = tableErrors
