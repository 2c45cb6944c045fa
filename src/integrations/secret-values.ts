/**
 * The secret values of an environment, for the JIRA and Confluence writers to mask or refuse: a
 * second lock behind the masking done at execution. EnvironmentsService provides it; an
 * injection token and an interface at once.
 */
export abstract class SecretValues {
  abstract secretValues(environmentId: string): Promise<string[]>;
}
