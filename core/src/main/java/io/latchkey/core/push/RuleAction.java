package io.latchkey.core.push;

/** What a policy rule does when it fails: nothing, a warning, or a refusal. */
public enum RuleAction {
  OFF,
  WARN,
  REFUSE
}
