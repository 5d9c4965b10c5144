"""Words every page shares: the frame, signing in and out, the language switch, the live stream."""

MESSAGES: dict[str, tuple[str, str]] = {
    "product": ("Автодозвон", "Dialer"),
    "lang.switch": ("Язык", "Language"),
    "signin.title": ("Вход", "Sign in"),
    "signin.username": ("Логин", "Username"),
    "signin.password": ("Пароль", "Password"),
    "signin.submit": ("Войти", "Sign in"),
    "signin.failed": ("Неверный логин или пароль", "Wrong username or password"),
    "signin.throttled": (
        "Слишком много попыток: подождите {seconds} с",
        "Too many attempts: wait {seconds} s",
    ),
    "signin.role": (
        "Эта страница не для роли «{role}»",
        "This page is not for the role '{role}'",
    ),
    "signout": ("Выйти", "Sign out"),
    "live.on": ("на связи", "live"),
    "live.off": ("нет связи", "offline"),
    "live.reconnecting": ("переподключение…", "reconnecting…"),
    "error.generic": ("Ошибка: {detail}", "Error: {detail}"),
    "error.network": ("Сервер недоступен", "The server cannot be reached"),
    "unit.seconds": ("{n} с", "{n} s"),
    "none": ("—", "—"),
}
