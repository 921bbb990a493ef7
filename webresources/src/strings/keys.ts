/** Resource keys of a co-sell rule message and of its fix hint in the RESX web resources. */
export const ruleMessageKey = (messageKey: string): string => `rule.${messageKey}`;
export const ruleFixKey = (messageKey: string): string => `rule.${messageKey}.fix`;
