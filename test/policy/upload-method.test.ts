import { describe, expect, it } from 'vitest';
import {
  GRAPH_MAX_REQUEST_BYTES,
  REQUEST_SAFETY_MARGIN_BYTES,
  base64Size,
  chooseUploadMethod,
} from '../../src/policy/upload-method.js';

// the largest raw size whose base64 form still fits under the limit minus the margin
const budget = GRAPH_MAX_REQUEST_BYTES - REQUEST_SAFETY_MARGIN_BYTES;
const largestFitting = Math.floor(budget / 4) * 3;

describe('chooseUploadMethod', () => {
  it('uses importMime for ordinary messages on beta', () => {
    expect(chooseUploadMethod(0, 'beta')).toBe('importMime');
    expect(chooseUploadMethod(50_000, 'beta')).toBe('importMime');
  });

  it('switches to JSON exactly where the base64 body would exceed the limit minus the margin', () => {
    expect(base64Size(largestFitting)).toBeLessThanOrEqual(budget);
    expect(base64Size(largestFitting + 1)).toBeGreaterThan(budget);
    expect(chooseUploadMethod(largestFitting, 'beta')).toBe('importMime');
    expect(chooseUploadMethod(largestFitting + 1, 'beta')).toBe('json');
  });

  it('always uses JSON on v1.0', () => {
    expect(chooseUploadMethod(100, 'v1.0')).toBe('json');
  });
});

describe('base64Size', () => {
  it('rounds up to whole 4-character groups', () => {
    expect([0, 1, 2, 3, 4].map(base64Size)).toEqual([0, 4, 4, 4, 8]);
  });
});
