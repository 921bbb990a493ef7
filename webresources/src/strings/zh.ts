import type { StringTable } from "./en";

/** Chinese (Simplified) (2052). */
export const zh: StringTable = {
  configUnreadable: "无法读取共同销售设置（{detail}）。中继服务仍会在后台检查并同步此记录。",
  relayUrlMissing:
    "共同销售：中继 URL（环境变量 {variable}）为空，因此此窗体无法直接将更改发送到合作伙伴中心。请让管理员进行设置。",
  configIssue: "共同销售设置 {variable} 需要处理：{message} {fix}",
  lastSyncError: "上次与合作伙伴中心同步失败：{message}",
  fixHint: "解决方法：{fix}",
  saveBlocked:
    "未保存：此商机暂时无法与 Microsoft 共享。请修复窗体上标记的问题，或将“与合作伙伴中心同步”设为“否”以保存而不共享。",
  checksUnavailable: "无法运行共同销售检查（{detail}）。在任何内容发送到合作伙伴中心之前，中继服务会再次检查该记录。",
  syncing: "正在与 Microsoft 共享…",
  synced: "已与 Microsoft 共享。推荐 {referralId}。",
  noop: "合作伙伴中心已是最新状态。",
  queued: "已排队等待发送到合作伙伴中心。结果稍后会显示在“审核”中。",
  syncFailed: "合作伙伴中心未接受此更改：{message}",
  invalid: "未与 Microsoft 共享：请修复窗体上标记的问题。",
  unreachableSaved: "无法连接共同销售中继服务（{reason}）。你的更改已保存；后台同步会在几分钟内将其发送到合作伙伴中心。",
  unreachableNothingChanged: "无法连接共同销售中继服务（{reason}）。未做任何更改；请稍后重试。",
  unauthorized:
    "共同销售中继服务未接受你的登录{detail}。请注销 Dynamics 365 后重新登录；如果仍然无效，请让管理员检查中继服务的应用注册。",
  signInFailed: "无法让你登录到共同销售中继服务（{detail}）。",
  popupBlocked: "登录需要一个弹出窗口，但浏览器阻止了它。请允许此站点的弹出窗口，然后重试。",
  relayFailed: "共同销售中继服务报告了一个问题：{title}。{detail}",
  libraryUnavailable:
    "无法加载共同销售脚本库（{library}）：{detail}。请重新加载页面；如果问题仍然存在，请让管理员检查共同销售解决方案是否已完整导入。",
  referralPending: "此潜在顾客是来自合作伙伴中心、正在等待你答复的推荐：请在命令栏中接受或拒绝。",
  acceptTitle: "接受推荐",
  acceptText: "要在合作伙伴中心接受此推荐吗？该潜在顾客将被授予资格并转为商机，Microsoft 会看到你已接受。",
  accepting: "正在接受推荐…",
  accepted: "推荐已接受。正在打开新商机。",
  declineTitle: "拒绝推荐",
  declineText: "要以原因“{reason}”在合作伙伴中心拒绝此推荐吗？此操作无法撤消。",
  declining: "正在拒绝推荐…",
  declined: "已在合作伙伴中心拒绝该推荐。",
  declineReasonRequired: "请输入拒绝此推荐的原因，然后再次选择“拒绝推荐”。",
  declineReasonNotOnForm: "此窗体没有拒绝原因列（{column}）。请让管理员将其添加到潜在顾客窗体。",
  saveFirst: "请先保存记录。",
};
