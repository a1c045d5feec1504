<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>Counter</name>
    <message>
        <source>非常满意</source>
        <translation>Very satisfied</translation>
    </message>
    <message>
        <source>满意</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <source>一般</source>
        <translation>Neutral</translation>
    </message>
    <message>
        <source>不满意</source>
        <translation>Dissatisfied</translation>
    </message>
    <message>
        <source>评价</source>
        <translation>Rating</translation>
    </message>
    <message>
        <source>请您对本次服务进行评价</source>
        <translation>Please rate our service</translation>
    </message>
    <message>
        <source>感谢您的评价！</source>
        <translation>Thank you for your rating!</translation>
    </message>
    <message>
        <source>暂停服务</source>
        <translation>Paused</translation>
    </message>
    <message>
        <source>请 {number} 号办理</source>
        <translation>Now serving {number}</translation>
    </message>
    <message>
        <source>欢迎光临</source>
        <translation>Welcome</translation>
    </message>
    <message>
        <source>工号 {number} {name} 为您服务</source>
        <translation>Served by {name} (staff {number})</translation>
    </message>
    <message>
        <source>{n} 秒后自动结束</source>
        <translation>Closes in {n} s</translation>
    </message>
    <message>
        <source>本窗口已退出登录</source>
        <extracomment>Events that change this counter&apos;s own figures of the day.</extracomment>
        <translation>This counter was logged out</translation>
    </message>
    <message>
        <source>连接不上营业厅服务器，请稍后再试</source>
        <translation>Cannot reach the hall server; try again shortly</translation>
    </message>
    <message>
        <source>没有等候本窗口的客户</source>
        <translation>Nobody is waiting for this counter</translation>
    </message>
    <message>
        <source>已呼叫 {number}</source>
        <translation>Called {number}</translation>
    </message>
    <message>
        <source>{number} 已转出</source>
        <translation>{number} transferred</translation>
    </message>
    <message>
        <source>{number} 已重新排队</source>
        <translation>{number} is back in the queue</translation>
    </message>
    <message>
        <source>户号 {account}</source>
        <translation>Account {account}</translation>
    </message>
    <message>
        <source>身份证 {id}</source>
        <translation>ID {id}</translation>
    </message>
    <message>
        <source>已验证身份</source>
        <translation>Identified</translation>
    </message>
    <message>
        <source>未识别客户</source>
        <translation>Not identified</translation>
    </message>
    <message>
        <source>已叫号（重呼{n}次）</source>
        <translation>Called (recalled {n}×)</translation>
    </message>
    <message>
        <source>已叫号，等客户到窗口</source>
        <translation>Called, waiting for the customer</translation>
    </message>
    <message>
        <source>办理中</source>
        <translation>Serving</translation>
    </message>
    <message>
        <source>空闲</source>
        <translation>Idle</translation>
    </message>
    <message>
        <source>服务中</source>
        <translation>Busy</translation>
    </message>
    <message>
        <source>未评价</source>
        <translation>Not rated</translation>
    </message>
    <message>
        <source>今日 办结 {done} · 过号 {no_show} · 转移 {transferred} · 平均办理 {mean} · 超时限 {overdue} · 满意率 {satisfaction}</source>
        <translation>Today: done {done} · no-shows {no_show} · transfers {transferred} · mean service {mean} · past limit {overdue} · satisfaction {satisfaction}</translation>
    </message>
    <message>
        <source>呼叫下一位</source>
        <extracomment>(object name, key, what it does): the eight actions in the order of F1-F8.</extracomment>
        <translation>Call next</translation>
    </message>
    <message>
        <source>重呼</source>
        <translation>Recall</translation>
    </message>
    <message>
        <source>过号</source>
        <translation>No-show</translation>
    </message>
    <message>
        <source>开始办理</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>办结</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>转移</source>
        <translation>Transfer</translation>
    </message>
    <message>
        <source>暂停</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>请评价</source>
        <translation>Ask rating</translation>
    </message>
    <message>
        <source>恢复</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>工号</source>
        <translation>Staff number</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>Log in</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Log out</translation>
    </message>
    <message>
        <source>本窗口过号：</source>
        <translation>No-shows here:</translation>
    </message>
    <message>
        <source>重新排队</source>
        <translation>Back in queue</translation>
    </message>
    <message>
        <source>转移原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>确定转移</source>
        <translation>Transfer</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>需办理其他业务</source>
        <translation>Needs another service</translation>
    </message>
    <message>
        <source>需专业窗口办理</source>
        <translation>Needs a specialist counter</translation>
    </message>
    <message>
        <source>资料需补充后再办</source>
        <translation>Documents to complete first</translation>
    </message>
    <message>
        <source>{n}号窗口</source>
        <translation>Counter {n}</translation>
    </message>
    <message>
        <source>请输入工号和密码</source>
        <translation>Enter your staff number and PIN</translation>
    </message>
    <message>
        <source>转移 {number} 到：</source>
        <translation>Transfer {number} to:</translation>
    </message>
    <message>
        <source>请选择转到的业务或窗口</source>
        <translation>Choose a service or a counter</translation>
    </message>
    <message>
        <source>请客户在评价器上为 {number} 评价</source>
        <translation>The customer rates {number} on the evaluator</translation>
    </message>
    <message>
        <source>请客户在屏幕上为 {number} 评价</source>
        <translation>The customer rates {number} on the screen</translation>
    </message>
    <message>
        <source>本窗口没有评价器</source>
        <translation>This counter has no evaluator</translation>
    </message>
    <message>
        <source>{number} 客户评价：{score}</source>
        <translation>{number} rated: {score}</translation>
    </message>
    <message>
        <source>与营业厅服务器的连接中断，正在重连…</source>
        <translation>Connection to the hall server lost; reconnecting…</translation>
    </message>
    <message>
        <source>● 在线</source>
        <translation>● Online</translation>
    </message>
    <message>
        <source>软叫号 · {name}</source>
        <translation>Soft caller · {name}</translation>
    </message>
    <message>
        <source>本窗口当前登录：工号 {number} {name}</source>
        <translation>Logged in here now: {name} (staff {number})</translation>
    </message>
    <message>
        <source>工号 {number} {name}</source>
        <translation>{name} (staff {number})</translation>
    </message>
    <message>
        <source>请呼叫下一位</source>
        <translation>Call the next customer</translation>
    </message>
    <message>
        <source>等候本窗口 {n} 人：{numbers}</source>
        <translation>{n} waiting for this counter: {numbers}</translation>
    </message>
    <message>
        <source>暂无客户等候本窗口</source>
        <translation>Nobody waiting for this counter</translation>
    </message>
    <message>
        <source>办理计时 —</source>
        <translation>Service time —</translation>
    </message>
    <message>
        <source>已等候 {waited}</source>
        <translation>Waited {waited}</translation>
    </message>
    <message>
        <source>已叫号 {elapsed}，客户到窗口后按“开始办理”</source>
        <translation>Called {elapsed} ago; press Start when the customer arrives</translation>
    </message>
    <message>
        <source>办理计时 {elapsed} / 限时 {limit}</source>
        <translation>Service {elapsed} / limit {limit}</translation>
    </message>
    <message>
        <source>  已超时限</source>
        <translation>  past the limit</translation>
    </message>
    <message>
        <source>办理计时 {elapsed}（不限时）</source>
        <translation>Service {elapsed} (no limit)</translation>
    </message>
</context>
</TS>
