import { describe, expect, it } from 'vitest';
import { formatWindowTime } from './maintenanceTime';

describe('maintenance window times (R21)', () => {
  it('shows the same instant in each viewer’s own zone', () => {
    const start = '2026-12-30T11:00:00.000Z'; // 20:00 in Tokyo
    expect(formatWindowTime(start, 'ja', 'Asia/Tokyo')).toMatch(/20:00/);
    expect(formatWindowTime(start, 'en', 'Europe/London')).toMatch(/11:00/);
    expect(formatWindowTime(start, 'en', 'America/New_York')).toMatch(/06:00/);
  });
});
