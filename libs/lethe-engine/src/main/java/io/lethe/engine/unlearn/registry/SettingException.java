package io.lethe.engine.unlearn.registry;

/**
 * A setting's value that a method refuses: of the wrong type ({@link #wrongType()}), or of the
 * right type but out of range. The message names the method, the key and the value; callers that
 * word errors their own way (a service's request errors) read the parts.
 */
public final class SettingException extends IllegalArgumentException {
  private final String method;
  private final String key;
  private final transient Object value;
  private final Setting.Kind kind;
  private final String expected;
  private final String reason;

  private SettingException(
      String method,
      Setting<?> setting,
      Object value,
      String expected,
      String reason,
      Throwable cause) {
    super(method + " setting " + setting.name() + "=" + value + ": " + reason, cause);
    this.method = method;
    this.key = setting.name();
    this.value = value;
    this.kind = setting.kind();
    this.expected = expected;
    this.reason = reason;
  }

  static SettingException wrongType(
      String method, Setting<?> setting, Object value, String reason) {
    String expected = setting.expected() == null ? "text" : setting.expected();
    String why = value == null ? "no value given" : reason == null ? "not " + expected : reason;
    return new SettingException(method, setting, value, expected, why, null);
  }

  static SettingException refused(
      String method, Setting<?> setting, Object value, IllegalArgumentException cause) {
    return new SettingException(method, setting, value, null, cause.getMessage(), cause);
  }

  public String method() {
    return method;
  }

  public String key() {
    return key;
  }

  public Object value() {
    return value;
  }

  public Setting.Kind kind() {
    return kind;
  }

  /** Whether the value had the wrong type (rather than a value out of range). */
  public boolean wrongType() {
    return expected != null;
  }

  /** What the value must be ("an integer", "true or false"); null when it was out of range. */
  public String expected() {
    return expected;
  }

  /** Why the value was refused ("not an integer", "batch size must be positive, got 0"). */
  public String reason() {
    return reason;
  }
}
