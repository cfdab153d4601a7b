import NIOCore

extension ClientStateMachine {
    /// A new request, answered on `<inboxBase>.<token>`.
    struct RequestStarted {
        var token: String
        /// `<inboxBase>.<token>`, the request's reply subject.
        var replyTo: String
        /// The first request's inbox `SUB`, to be queued before the request is published (nil
        /// when the inbox exists already or the resubscription after connecting will send it).
        var subscribeInbox: (ClientOperation, Transport)?
    }

    /// `request(…)` was called; `reply` is completed by a later event.
    mutating func requestStarted(
        to subject: String, timeout: Duration, reply: EventLoopPromise<NATSMessage>
    ) throws(NATSClientError) -> RequestStarted {
        try checkAcceptsNewWork()
        var subscribeInbox: (ClientOperation, Transport)?
        if inboxSID == nil {
            let sid = nextSID
            nextSID += 1
            inboxSID = sid
            if let transport = connectedTransport {
                subscribeInbox = (.subscribe(subject: "\(inboxBase).*", queue: nil, sid: sid), transport)
            }
        }
        let token = String(nextRequestToken)
        nextRequestToken += 1
        requests[token] = PendingRequest(reply: reply, subject: subject, timeout: timeout)
        return RequestStarted(token: token, replyTo: "\(inboxBase).\(token)", subscribeInbox: subscribeInbox)
    }

    /// The request's timeout elapsed: the request to fail and why (nil when it is answered already).
    mutating func requestTimedOut(token: String) -> (EventLoopPromise<NATSMessage>, NATSClientError)? {
        guard let request = requests.removeValue(forKey: token) else { return nil }
        return (request.reply, NATSClientError(.requestTimeout, "no reply on \(request.subject) within \(request.timeout)"))
    }

    /// The request was cancelled or its publish failed: the request to fail (nil when it is
    /// answered already).
    mutating func requestAbandoned(token: String) -> EventLoopPromise<NATSMessage>? {
        requests.removeValue(forKey: token)?.reply
    }

    /// A message on the request inbox: routes it to its request by the subject's last token.
    mutating func replyArrived(_ frame: MessageFrame) -> DeliverAction {
        let prefix = inboxBase + "."
        guard frame.subject.hasPrefix(prefix),
              let request = requests.removeValue(forKey: String(frame.subject.dropFirst(prefix.count)))
        else { return .drop }
        return frame.headers?.statusCode == 503 ? .noResponders(request.reply) : .reply(request.reply)
    }
}
