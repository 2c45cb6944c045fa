import type { JiraField, JiraIssue } from './jira.types.js';
import { storyPointFieldIds, storyPointsOf } from './story-points.js';

const custom = (id: string, name: string, type = 'number'): JiraField => ({ id, name, custom: true, schema: { type } });
const issue = (fields: Record<string, unknown>): JiraIssue => ({ id: '1', key: 'OPS-1', fields });

describe('story points field', () => {
  it('is found by name among the custom number fields, "Story Points" before "Story point estimate"', () => {
    const fields: JiraField[] = [
      { id: 'summary', name: 'Summary', custom: false, schema: { type: 'string', system: 'summary' } },
      custom('customfield_10016', 'Story point estimate'),
      custom('customfield_10028', 'Story Points'),
      custom('customfield_10099', 'Story Points', 'string'),
    ];
    expect(storyPointFieldIds(fields)).toEqual(['customfield_10028', 'customfield_10016']);
    expect(storyPointFieldIds([custom('customfield_10002', 'story points')])).toEqual(['customfield_10002']);
    expect(storyPointFieldIds([custom('customfield_1', 'Points')])).toEqual([]);
  });

  it('reads the first field holding a number; null for an unestimated story', () => {
    const ids = ['customfield_10028', 'customfield_10016'];
    expect(storyPointsOf(issue({ customfield_10028: null, customfield_10016: 3 }), ids)).toBe(3);
    expect(storyPointsOf(issue({ customfield_10028: 0.5, customfield_10016: 3 }), ids)).toBe(0.5);
    expect(storyPointsOf(issue({ customfield_10028: null }), ids)).toBeNull();
    expect(storyPointsOf(issue({ customfield_10028: '5' }), ids)).toBeNull();
    expect(storyPointsOf(issue({ customfield_10028: 5 }), [])).toBeNull();
  });
});
