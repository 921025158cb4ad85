/**
 * Public API of the linearizability checker.
 */
export { check } from './checker';
export { HistoryError, type HistoryErrorCode } from './errors';
export { detectFormat, parseHistory, readHistoryFile, parseJepsenLog, parseJsonHistory, parsePorcupineKv, FORMATS, type HistoryFormat, type ParsedHistory } from './parsers/index';
export { formatJepsenLog, formatJsonHistory, formatPorcupineKv } from './parsers/write';
export { listRecordedHistories, type RecordedHistory } from './recorded';
export type { CheckBudget, CheckOptions, CheckResult, IllegalEvidence, LinearizationStep, PartitionResult, Verdict } from './types';
export { validateHistory } from './validate';
export { verifyLinearization, type VerificationResult } from './verify';
export { renderHistoryHtml } from './visualize';
