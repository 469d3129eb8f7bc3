"""What the error boundary (``ui.errors``) says: what happened and what to do. (Chinese, English).

The store's problems are worded beside their detection (``analysis.store.errors``), for the command line too."""
from analysis.store.errors import STORE_MESSAGES

TEXT: dict[str, tuple[str, str]] = {
    "err_settings": ("设置文件有误，页面无法按设置计算：{detail}。请改正设置文件后刷新页面（README 的“Settings”一节列出每项设置）。",
                     "The settings file cannot be used: {detail}. Correct it and reload the page (the README's "
                     "Settings section lists every setting)."),
    "err_unexpected": ("这一步没有完成：程序出了错。数据没有改动。请刷新页面再试；若仍然出错，请把下面的编号告诉管理员。",
                       "This step did not finish: the program failed. No data was changed. Reload the page and try "
                       "again; if it fails again, give the reference below to your administrator."),
    "err_reference": ("（错误编号 {ref}，详情已记入服务器日志）", "(reference {ref}; the details are in the server's log)"),
    **{f"err_store_{kind}": pair for kind, pair in STORE_MESSAGES.items()},
}
