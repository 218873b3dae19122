// Where a search keeps its state, behind an interface so another store (a shared database for
// distributed workers) can replace the embedded one. Every write is durable when the call returns, so
// a search killed at any instant loses at most the evaluations in flight.
import { createRequire } from 'node:module';
import type { CandidateRecord, GenerationRecord, ReferenceRecord, SearchSettings } from './types.js';

export interface SearchStore {
  settings(): SearchSettings | null;
  saveSettings(settings: SearchSettings): void;
  candidate(hash: string): CandidateRecord | undefined;
  saveCandidate(candidate: CandidateRecord): void;
  candidates(): CandidateRecord[];
  saveGeneration(generation: GenerationRecord): void;
  generations(): GenerationRecord[];
  saveReference(reference: ReferenceRecord): void;
  references(): ReferenceRecord[];
  close(): void;
}

/** The part of better-sqlite3 12.x used here (the package ships no types). */
interface Statement {
  run(...parameters: unknown[]): unknown;
  get(...parameters: unknown[]): { value: string } | undefined;
  all(...parameters: unknown[]): { value: string }[];
}
interface Database {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  pragma(text: string): unknown;
  close(): void;
}
const require = createRequire(import.meta.url);

/**
 * The embedded store: one SQLite file (search.db) with JSON records. Rollback journal in FULL
 * synchronous mode: a committed write survives kill -9 and power loss alike.
 */
export class SqliteSearchStore implements SearchStore {
  private readonly db: Database;

  constructor(file: string) {
    const open = require('better-sqlite3') as new (file: string) => Database;
    this.db = new open(file);
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS candidates (hash TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS generations (idx INTEGER PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS refs (model TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
  }

  settings(): SearchSettings | null {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get('settings');
    return row ? (JSON.parse(row.value) as SearchSettings) : null;
  }

  saveSettings(settings: SearchSettings): void {
    this.db
      .prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)')
      .run('settings', JSON.stringify(settings));
  }

  candidate(hash: string): CandidateRecord | undefined {
    const row = this.db.prepare('SELECT value FROM candidates WHERE hash = ?').get(hash);
    return row ? (JSON.parse(row.value) as CandidateRecord) : undefined;
  }

  saveCandidate(candidate: CandidateRecord): void {
    this.db
      .prepare('INSERT OR REPLACE INTO candidates (hash, value) VALUES (?, ?)')
      .run(candidate.hash, JSON.stringify(candidate));
  }

  candidates(): CandidateRecord[] {
    return this.db
      .prepare('SELECT value FROM candidates ORDER BY hash')
      .all()
      .map((row) => JSON.parse(row.value) as CandidateRecord);
  }

  saveGeneration(generation: GenerationRecord): void {
    this.db
      .prepare('INSERT OR REPLACE INTO generations (idx, value) VALUES (?, ?)')
      .run(generation.index, JSON.stringify(generation));
  }

  generations(): GenerationRecord[] {
    return this.db
      .prepare('SELECT value FROM generations ORDER BY idx')
      .all()
      .map((row) => JSON.parse(row.value) as GenerationRecord);
  }

  saveReference(reference: ReferenceRecord): void {
    this.db
      .prepare('INSERT OR REPLACE INTO refs (model, value) VALUES (?, ?)')
      .run(reference.model, JSON.stringify(reference));
  }

  references(): ReferenceRecord[] {
    return this.db
      .prepare('SELECT value FROM refs ORDER BY model')
      .all()
      .map((row) => JSON.parse(row.value) as ReferenceRecord);
  }

  close(): void {
    this.db.close();
  }
}
